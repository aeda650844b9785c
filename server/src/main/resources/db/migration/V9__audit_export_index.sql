-- The audit export (GET /api/v1/audit) finds the run of an organisation's chain in a time range,
-- MIN(seq) and MAX(seq) of its records in the range, once per export (later pages carry the run in
-- their cursor). With seq in the index the scan reads the index alone, never the table's rows (the
-- lines, up to kilobytes each); the page itself reads by the primary key (org, seq).
CREATE INDEX audit_records_by_org_time_seq ON audit_records (org, at, seq);

-- V7's index is a prefix of this one: kept, it would only cost every append a second update.
DROP INDEX audit_records_by_org_time;
