-- Alerts: one row per fingerprint, pending, firing, or resolved and kept a while. Times are
-- Unix milliseconds (0: not yet); labels and evidence are JSON.
CREATE TABLE alerts (
    fingerprint TEXT PRIMARY KEY,
    cluster     TEXT NOT NULL,
    state       TEXT NOT NULL,
    severity    TEXT NOT NULL,
    labels      TEXT NOT NULL,
    title       TEXT NOT NULL,
    evidence    TEXT NOT NULL,
    fix         TEXT NOT NULL,
    active_at   INTEGER NOT NULL,
    starts_at   INTEGER NOT NULL,
    ends_at     INTEGER NOT NULL,
    last_seen   INTEGER NOT NULL,
    silenced_by TEXT NOT NULL
);
CREATE INDEX alerts_ends ON alerts (ends_at);

-- Silences; matchers are JSON.
CREATE TABLE silences (
    id         TEXT PRIMARY KEY,
    matchers   TEXT NOT NULL,
    starts_at  INTEGER NOT NULL,
    ends_at    INTEGER NOT NULL,
    created_by TEXT NOT NULL,
    comment    TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    expired_by TEXT NOT NULL
);
CREATE INDEX silences_ends ON silences (ends_at);

-- Alert rules created through the API (config rules live in the config file).
CREATE TABLE alert_rules (
    name       TEXT PRIMARY KEY,
    entity     TEXT NOT NULL,
    metric     TEXT NOT NULL,
    op         TEXT NOT NULL,
    threshold  REAL NOT NULL,
    for_ms     INTEGER NOT NULL,
    severity   TEXT NOT NULL,
    labels     TEXT NOT NULL,
    summary    TEXT NOT NULL,
    created_at INTEGER NOT NULL
);

-- Notification log: one row per alert per receiver per attempt; error_msg '' when delivered.
CREATE TABLE alert_notifications (
    id          INTEGER PRIMARY KEY,
    receiver    TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    cluster     TEXT NOT NULL,
    status      TEXT NOT NULL,
    sent_at     INTEGER NOT NULL,
    error_msg   TEXT NOT NULL
);
CREATE INDEX alert_notifications_sent ON alert_notifications (sent_at);
CREATE INDEX alert_notifications_fp ON alert_notifications (fingerprint, receiver, status);
