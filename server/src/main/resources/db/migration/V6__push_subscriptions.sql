-- Web Push subscriptions of clinicians and supervisors (paging, issue #22), the same SQL on SQLite and
-- PostgreSQL: a row per browser (device) of a user, at most PushSubscriptions.MAX_PER_USER per user.
-- endpoint is a capability (whoever holds it can send to the browser): it is never logged. role and
-- rooms (a JSON array, StoredJson) are those of the token the browser subscribed with; on_call is 1
-- while the user's last presence status was on_call; subscribed_at is in epoch milliseconds.
CREATE TABLE push_subscriptions (
    org           TEXT         NOT NULL,
    user_id       TEXT         NOT NULL,
    device        VARCHAR(64)  NOT NULL,
    role          VARCHAR(16)  NOT NULL,
    rooms         TEXT         NOT NULL,
    on_call       INTEGER      NOT NULL,
    endpoint      TEXT         NOT NULL,
    p256dh        VARCHAR(128) NOT NULL,
    auth          VARCHAR(64)  NOT NULL,
    subscribed_at BIGINT       NOT NULL,
    PRIMARY KEY (org, user_id, device)
);
-- A push service reports a gone subscription by its endpoint (at most 2048 characters, within an
-- index entry's limit on PostgreSQL).
CREATE INDEX push_subscriptions_by_endpoint ON push_subscriptions (endpoint);
