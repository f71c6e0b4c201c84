-- Metric history. Times are Unix milliseconds. Series rows are never deleted, so the
-- sample and rollup tables carry no foreign key (it would only slow inserts down).
CREATE TABLE series (
    id     INTEGER PRIMARY KEY,
    entity TEXT NOT NULL,
    metric TEXT NOT NULL,
    UNIQUE (entity, metric)
);

CREATE TABLE samples (
    series_id INTEGER NOT NULL,
    ts        INTEGER NOT NULL,
    value     REAL NOT NULL,
    PRIMARY KEY (series_id, ts)
) WITHOUT ROWID;
CREATE INDEX samples_ts ON samples (ts);

-- Rollups: bucket is the start of the bucket; avg_v, max_v and n summarize its samples.
CREATE TABLE rollup_5m (
    series_id INTEGER NOT NULL,
    bucket    INTEGER NOT NULL,
    avg_v     REAL NOT NULL,
    max_v     REAL NOT NULL,
    n         INTEGER NOT NULL,
    PRIMARY KEY (series_id, bucket)
) WITHOUT ROWID;
CREATE INDEX rollup_5m_bucket ON rollup_5m (bucket);

CREATE TABLE rollup_1h (
    series_id INTEGER NOT NULL,
    bucket    INTEGER NOT NULL,
    avg_v     REAL NOT NULL,
    max_v     REAL NOT NULL,
    n         INTEGER NOT NULL,
    PRIMARY KEY (series_id, bucket)
) WITHOUT ROWID;
CREATE INDEX rollup_1h_bucket ON rollup_1h (bucket);

-- Small named values, such as the rollup watermarks.
CREATE TABLE meta (
    name  TEXT PRIMARY KEY,
    value INTEGER NOT NULL
);

-- Users, API tokens and login sessions; tokens and sessions go with their user.
CREATE TABLE users (
    name          TEXT PRIMARY KEY,
    role          TEXT NOT NULL,
    password_hash BLOB NOT NULL,
    created_at    INTEGER NOT NULL
);

CREATE TABLE tokens (
    id         TEXT PRIMARY KEY,
    user_name  TEXT NOT NULL REFERENCES users (name) ON DELETE CASCADE,
    name       TEXT NOT NULL,
    hash       BLOB NOT NULL UNIQUE,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL -- 0: never
);
CREATE INDEX tokens_user ON tokens (user_name);

CREATE TABLE sessions (
    hash       BLOB PRIMARY KEY,
    user_name  TEXT NOT NULL REFERENCES users (name) ON DELETE CASCADE,
    csrf       TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_name);
CREATE INDEX sessions_expires ON sessions (expires_at);
