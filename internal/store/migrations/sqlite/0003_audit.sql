-- Audit log: one row per operation a user ran or previewed (dry_run 1). logged_at is Unix
-- milliseconds; request and result are JSON text (secrets removed); error_msg is '' when the
-- operation succeeded. "user" is reserved in PostgreSQL, hence user_name.
CREATE TABLE audit_log (
    id        INTEGER PRIMARY KEY,
    logged_at INTEGER NOT NULL,
    user_name TEXT NOT NULL,
    role      TEXT NOT NULL,
    cluster   TEXT NOT NULL,
    action    TEXT NOT NULL,
    target    TEXT NOT NULL,
    dry_run   INTEGER NOT NULL,
    request   TEXT NOT NULL,
    result    TEXT NOT NULL,
    error_msg TEXT NOT NULL
);
CREATE INDEX audit_log_at ON audit_log (logged_at, id);
CREATE INDEX audit_log_user ON audit_log (user_name, logged_at);
CREATE INDEX audit_log_cluster ON audit_log (cluster, logged_at);
