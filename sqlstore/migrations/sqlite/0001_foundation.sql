-- +goose Up
-- Times are Unix microseconds (UTC); booleans are 0/1.

CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE regions (
    code        TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    parent_code TEXT REFERENCES regions (code),
    level       TEXT NOT NULL,
    created_at  INTEGER NOT NULL
);
CREATE INDEX regions_parent ON regions (parent_code);

CREATE TABLE departments (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL,
    credit_code TEXT NOT NULL UNIQUE,
    region_code TEXT NOT NULL REFERENCES regions (code),
    level       TEXT NOT NULL,
    parent_id   INTEGER REFERENCES departments (id),
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL
);
CREATE INDEX departments_region ON departments (region_code);

CREATE TABLE users (
    id                   INTEGER PRIMARY KEY,
    username             TEXT NOT NULL UNIQUE,
    name                 TEXT NOT NULL,
    department_id        INTEGER REFERENCES departments (id),
    password_hash        TEXT NOT NULL,
    must_change_password INTEGER NOT NULL DEFAULT 0,
    password_changed_at  INTEGER NOT NULL,
    disabled_at          INTEGER,
    failed_logins        INTEGER NOT NULL DEFAULT 0,
    locked_until         INTEGER,
    created_at           INTEGER NOT NULL,
    updated_at           INTEGER NOT NULL
);
CREATE INDEX users_department ON users (department_id);

-- Every period a user held a role (SJZ-S-7: who held what until when).
CREATE TABLE user_roles (
    id         INTEGER PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users (id),
    role       TEXT NOT NULL,
    granted_at INTEGER NOT NULL,
    granted_by TEXT NOT NULL,
    revoked_at INTEGER,
    revoked_by TEXT
);
CREATE UNIQUE INDEX user_roles_active ON user_roles (user_id, role) WHERE revoked_at IS NULL;

CREATE TABLE sessions (
    id                   INTEGER PRIMARY KEY,
    user_id              INTEGER NOT NULL REFERENCES users (id),
    token_hash           BLOB NOT NULL UNIQUE,
    password_change_only INTEGER NOT NULL DEFAULT 0,
    client_addr          TEXT NOT NULL DEFAULT '',
    created_at           INTEGER NOT NULL,
    expires_at           INTEGER NOT NULL,
    revoked_at           INTEGER
);
CREATE INDEX sessions_user ON sessions (user_id);

-- The secret of a credential is derived from the master key (outside the
-- database) and the salt; only the salt is stored.
CREATE TABLE credentials (
    id            INTEGER PRIMARY KEY,
    app_key       TEXT NOT NULL UNIQUE,
    name          TEXT NOT NULL,
    department_id INTEGER NOT NULL REFERENCES departments (id),
    salt          BLOB NOT NULL,
    created_at    INTEGER NOT NULL,
    rotated_at    INTEGER,
    revoked_at    INTEGER,
    revoke_reason TEXT NOT NULL DEFAULT '',
    last_used_at  INTEGER
);
CREATE INDEX credentials_department ON credentials (department_id);

CREATE TABLE credential_nonces (
    credential_id INTEGER NOT NULL REFERENCES credentials (id),
    nonce         TEXT NOT NULL,
    expires_at    INTEGER NOT NULL,
    PRIMARY KEY (credential_id, nonce)
);
CREATE INDEX credential_nonces_expiry ON credential_nonces (expires_at);

-- SEC-1: the append-only, hash-chained audit log.
CREATE TABLE audit_log (
    seq           INTEGER PRIMARY KEY,
    at            INTEGER NOT NULL,
    actor_id      INTEGER NOT NULL,
    actor_name    TEXT NOT NULL,
    actor_roles   TEXT NOT NULL,
    department_id INTEGER NOT NULL,
    credential_id INTEGER NOT NULL,
    action        TEXT NOT NULL,
    object_type   TEXT NOT NULL,
    object_id     TEXT NOT NULL,
    result        TEXT NOT NULL,
    client_addr   TEXT NOT NULL,
    request_id    TEXT NOT NULL,
    detail        TEXT NOT NULL,
    prev_hash     BLOB NOT NULL,
    hash          BLOB NOT NULL
);
CREATE INDEX audit_log_action ON audit_log (action, seq);
CREATE INDEX audit_log_actor ON audit_log (actor_name, seq);
CREATE INDEX audit_log_object ON audit_log (object_type, object_id, seq);

-- The chain's head, so that a truncated tail is detected.
CREATE TABLE audit_head (
    id   INTEGER PRIMARY KEY CHECK (id = 1),
    seq  INTEGER NOT NULL,
    hash BLOB NOT NULL
);
INSERT INTO audit_head (id, seq, hash) VALUES (1, 0, X'');

-- Records are never changed, and not deleted within the retention period
-- (SX-22, HLJ-28: at least three years). govdata has no path that does
-- either; these triggers stop the database's own users too.
-- +goose StatementBegin
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER audit_log_retention BEFORE DELETE ON audit_log
WHEN OLD.at > (CAST(strftime('%s', 'now') AS INTEGER)
               - 86400 * COALESCE((SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'audit_retention_days'), 1096)) * 1000000
BEGIN
    SELECT RAISE(ABORT, 'audit records are kept for the retention period');
END;
-- +goose StatementEnd

-- +goose Down
DROP TABLE audit_head;
DROP TABLE audit_log;
DROP TABLE credential_nonces;
DROP TABLE credentials;
DROP TABLE sessions;
DROP TABLE user_roles;
DROP TABLE users;
DROP TABLE departments;
DROP TABLE regions;
DROP TABLE meta;
