-- Chat keys, direct-message mailboxes and revocations, the same SQL on SQLite and PostgreSQL.
-- Values are JSON text (StoredJson); times are epoch milliseconds. Organisation, user and token ids
-- come from identity tokens, which bound none of them, so they are TEXT; device names and message
-- ids are bounded by the protocol (64 characters).

-- Public keys of each device of each user: its bundle without a one-time prekey. seq orders a user's
-- devices by first publication; generation counts the device's publications, and its one-time
-- prekeys carry the generation they were published with, so one is only ever handed out with it.
CREATE TABLE key_devices (
    org        TEXT        NOT NULL,
    user_id    TEXT        NOT NULL,
    device     VARCHAR(64) NOT NULL,
    seq        BIGINT      NOT NULL,
    generation BIGINT      NOT NULL,
    body       TEXT        NOT NULL,
    PRIMARY KEY (org, user_id, device)
);

-- One-time prekeys, each a row until it is handed out (deleted) or its device publishes again.
CREATE TABLE one_time_prekeys (
    org        TEXT        NOT NULL,
    user_id    TEXT        NOT NULL,
    device     VARCHAR(64) NOT NULL,
    generation BIGINT      NOT NULL,
    seq        BIGINT      NOT NULL,      -- order published: handed out lowest first
    body       TEXT        NOT NULL,
    PRIMARY KEY (org, user_id, device, generation, seq)
);

-- One row per device that has ever been sent a direct message: the row every put locks (so the
-- bound holds when nodes put at once) and the counter giving messages their order.
CREATE TABLE mailbox_devices (
    org      TEXT        NOT NULL,
    user_id  TEXT        NOT NULL,
    device   VARCHAR(64) NOT NULL,
    last_seq BIGINT      NOT NULL,
    PRIMARY KEY (org, user_id, device)
);

-- Direct messages waiting for a device (opaque envelopes), until acknowledged or expired. A device
-- holds a bounded few, so its rows are read through the primary key.
CREATE TABLE mailbox_messages (
    org        TEXT        NOT NULL,
    user_id    TEXT        NOT NULL,
    device     VARCHAR(64) NOT NULL,
    id         VARCHAR(64) NOT NULL,
    seq        BIGINT      NOT NULL,      -- order put
    expires_at BIGINT      NOT NULL,
    body       TEXT        NOT NULL,
    PRIMARY KEY (org, user_id, device, id)
);

-- Revocations of a token (kind 'token', token_id; org and user_id empty) or of a user (kind 'user',
-- org and user_id; token_id empty), each until ends_at; deleted once over.
CREATE TABLE revocations (
    kind     VARCHAR(8) NOT NULL,
    token_id TEXT       NOT NULL,
    org      TEXT       NOT NULL,
    user_id  TEXT       NOT NULL,
    ends_at  BIGINT     NOT NULL,
    PRIMARY KEY (kind, token_id, org, user_id)
);
CREATE INDEX revocations_by_end ON revocations (ends_at);
