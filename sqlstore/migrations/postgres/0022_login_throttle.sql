-- +goose Up
-- ORG-3: failed logins counted by client address (scope 'address') and by
-- a username that names no account (scope 'username'; an account counts on
-- its users row), so that an unknown username is answered exactly like a
-- known one. The key is a SHA-256 of the address or username: bounded in
-- size whatever a caller types. Rows quiet for a day are deleted.
CREATE TABLE login_throttle (
    scope         TEXT NOT NULL,
    key_hash      TEXT NOT NULL,
    failures      INTEGER NOT NULL DEFAULT 0,
    waits         INTEGER NOT NULL DEFAULT 0,
    blocked_until BIGINT,
    updated_at    BIGINT NOT NULL,
    PRIMARY KEY (scope, key_hash)
);
CREATE INDEX login_throttle_updated ON login_throttle (updated_at);

-- +goose Down
DROP TABLE login_throttle;
