-- The audit export (GET /api/v1/audit) finds where one organisation's chain enters and leaves a
-- time range: by organisation and time, where audit_records_by_time (retention's) holds every
-- organisation's records together.
CREATE INDEX audit_records_by_org_time ON audit_records (org, at);
