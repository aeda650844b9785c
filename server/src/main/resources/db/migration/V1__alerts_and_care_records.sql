-- Haven's durable records, the same SQL on SQLite and PostgreSQL. Values are JSON text (StoredJson);
-- the columns beside them are what queries select and order by. Nothing here is ever deleted by
-- Haven itself: retention is the operator's (docs/operations.md).

-- Alerts: the current state of each (its view with history, and what escalation needs).
CREATE TABLE alerts (
    id            VARCHAR(64)  NOT NULL PRIMARY KEY,
    org           TEXT NOT NULL,
    is_open       INTEGER      NOT NULL,  -- 1 until closed
    next_deadline BIGINT,                 -- epoch milliseconds; null when nothing is due by time
    body          TEXT         NOT NULL
);
CREATE INDEX alerts_open_by_org ON alerts (is_open, org);
CREATE INDEX alerts_by_deadline ON alerts (next_deadline);

-- Check-ins: immutable, every one kept; the latest of a client in a room is the one in force.
CREATE TABLE check_ins (
    id        VARCHAR(64)  NOT NULL PRIMARY KEY,
    org       TEXT NOT NULL,
    client    TEXT NOT NULL,
    room      TEXT NOT NULL,
    seq       BIGINT       NOT NULL,      -- order of recording for this client and room
    body      TEXT         NOT NULL
);
CREATE UNIQUE INDEX check_ins_latest ON check_ins (org, client, room, seq);

-- Emergency contacts and safety plans: versioned, each set a new version, nothing edited in place.
CREATE TABLE care_versions (
    org        TEXT NOT NULL,
    client     TEXT NOT NULL,
    part       VARCHAR(16)  NOT NULL,     -- 'contacts' or 'plan'
    version    BIGINT       NOT NULL,
    body       TEXT         NOT NULL,     -- the whole Versioned record
    PRIMARY KEY (org, client, part, version)
);
