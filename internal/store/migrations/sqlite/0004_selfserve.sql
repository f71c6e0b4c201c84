-- Self-service: teams and their members, applications (a team's tenants), their SCRAM
-- credentials per cluster, topic ownership, grants and the requests users make. Times are
-- Unix milliseconds (0: zero time); spec and result are JSON text. "user" is reserved in
-- PostgreSQL, hence user_name; "group" too, hence group_name.
CREATE TABLE teams (
    name        TEXT PRIMARY KEY,
    description TEXT NOT NULL,
    created_at  INTEGER NOT NULL
);

-- Members are user names, not references: users may come from elsewhere than the users table.
CREATE TABLE team_members (
    team      TEXT NOT NULL REFERENCES teams (name) ON DELETE CASCADE,
    user_name TEXT NOT NULL,
    PRIMARY KEY (team, user_name)
);
CREATE INDEX team_members_user ON team_members (user_name);

-- A team cannot be deleted while it has applications (no cascade).
CREATE TABLE applications (
    name        TEXT PRIMARY KEY,
    team        TEXT NOT NULL REFERENCES teams (name),
    description TEXT NOT NULL,
    created_at  INTEGER NOT NULL
);
CREATE INDEX applications_team ON applications (team);

-- One SCRAM identity per application and cluster; a username belongs to one application.
CREATE TABLE credentials (
    application   TEXT NOT NULL REFERENCES applications (name) ON DELETE CASCADE,
    cluster       TEXT NOT NULL,
    username      TEXT NOT NULL,
    mechanism     TEXT NOT NULL,
    password_hash BLOB NOT NULL,
    created_at    INTEGER NOT NULL,
    rotated_at    INTEGER NOT NULL,
    PRIMARY KEY (application, cluster),
    UNIQUE (cluster, username)
);

CREATE TABLE topic_owners (
    cluster     TEXT NOT NULL,
    topic       TEXT NOT NULL,
    application TEXT NOT NULL REFERENCES applications (name) ON DELETE CASCADE,
    region      TEXT NOT NULL,
    created_at  INTEGER NOT NULL,
    PRIMARY KEY (cluster, topic)
);
CREATE INDEX topic_owners_application ON topic_owners (application);

CREATE TABLE grants (
    cluster     TEXT NOT NULL,
    topic       TEXT NOT NULL,
    application TEXT NOT NULL REFERENCES applications (name) ON DELETE CASCADE,
    access      TEXT NOT NULL,
    group_name  TEXT NOT NULL,
    created_at  INTEGER NOT NULL,
    PRIMARY KEY (cluster, topic, application, access)
);
CREATE INDEX grants_application ON grants (application);

-- Requests are history: no references, they outlive their team and application.
CREATE TABLE requests (
    id          INTEGER PRIMARY KEY,
    kind        TEXT NOT NULL,
    state       TEXT NOT NULL,
    requester   TEXT NOT NULL,
    team        TEXT NOT NULL,
    application TEXT NOT NULL,
    cluster     TEXT NOT NULL,
    topic       TEXT NOT NULL,
    spec        TEXT NOT NULL,
    reason      TEXT NOT NULL,
    decided_by  TEXT NOT NULL,
    comment     TEXT NOT NULL,
    result      TEXT NOT NULL,
    error_msg   TEXT NOT NULL,
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL
);
CREATE INDEX requests_at ON requests (created_at, id);
CREATE INDEX requests_state ON requests (state, created_at);
CREATE INDEX requests_team ON requests (team, created_at);
CREATE INDEX requests_topic ON requests (cluster, topic);
