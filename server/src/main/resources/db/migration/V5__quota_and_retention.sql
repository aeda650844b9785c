-- Bounded history: each client keeps at most HAVEN_CARE_VERSIONS_KEPT versions of a record (the
-- oldest deleted with the append that goes past it), and what was superseded, or closed, longer than
-- HAVEN_RECORD_RETENTION ago is deleted by the node's hourly housekeeping (docs/operations.md). A
-- current version and an open alert are never deleted. The same SQL on SQLite and PostgreSQL; the
-- placeholder migrated_at is the time of this migration in epoch milliseconds (SqlDatabase).

-- When a later version of the same record was stored (epoch milliseconds); null while current.
ALTER TABLE care_versions ADD COLUMN superseded_at BIGINT;
ALTER TABLE check_ins ADD COLUMN superseded_at BIGINT;
-- When the alert was closed (epoch milliseconds); null while open.
ALTER TABLE alerts ADD COLUMN closed_at BIGINT;

-- Records kept before this migration did not say when: their retention starts now.
UPDATE care_versions SET superseded_at = ${migrated_at}
WHERE version < (SELECT MAX(l.version) FROM care_versions l
                 WHERE l.org = care_versions.org AND l.client = care_versions.client AND l.part = care_versions.part);
UPDATE check_ins SET superseded_at = ${migrated_at}
WHERE seq < (SELECT MAX(l.seq) FROM check_ins l
             WHERE l.org = check_ins.org AND l.client = check_ins.client AND l.room = check_ins.room);
UPDATE alerts SET closed_at = ${migrated_at} WHERE is_open = 0;

CREATE INDEX care_versions_superseded ON care_versions (superseded_at);
CREATE INDEX check_ins_superseded ON check_ins (superseded_at);
CREATE INDEX alerts_closed ON alerts (closed_at);
