-- The audit trail: one chain of records per organisation, the same SQL on SQLite and PostgreSQL.
-- Each record is kept as the canonical JSON line that its hash (an HMAC under the audit key) covers,
-- so what a verifier reads is exactly what was sealed; org, seq and at are copied out to find it.

-- The head of each organisation's chain: its last record and the first one kept (retention removes
-- older ones), sealed with the audit key so that cutting records off either end is detected too.
-- Every append locks this row first, so the nodes of a cluster write one chain in one order.
CREATE TABLE audit_chains (
    org        TEXT        NOT NULL PRIMARY KEY,
    last_seq   BIGINT      NOT NULL,
    last_hash  VARCHAR(64) NOT NULL,
    first_seq  BIGINT      NOT NULL,
    first_prev VARCHAR(64) NOT NULL,
    seal       VARCHAR(64) NOT NULL
);

CREATE TABLE audit_records (
    org  TEXT   NOT NULL,
    seq  BIGINT NOT NULL,
    at   BIGINT NOT NULL,      -- epoch milliseconds, for retention and export by time
    line TEXT   NOT NULL,
    PRIMARY KEY (org, seq)
);
CREATE INDEX audit_records_by_time ON audit_records (at);

-- The id (not the key) of the key that seals this database's trail: a node with another key is
-- refused at start rather than fork the chains.
CREATE TABLE audit_key (
    one    INTEGER     NOT NULL PRIMARY KEY CHECK (one = 1),
    key_id VARCHAR(64) NOT NULL
);
