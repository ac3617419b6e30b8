-- +goose Up
-- 等保 三员分立: a business role (officer, leader, reviewer, supervisor)
-- the sysadmin gives an account waits here until a secadmin confirms or
-- rejects it; only user_roles counts in authorization. department_id is
-- the department the role was asked for: a move asks again.
CREATE TABLE user_role_requests (
    id            INTEGER PRIMARY KEY,
    user_id       INTEGER NOT NULL REFERENCES users (id),
    role          TEXT NOT NULL,
    department_id INTEGER REFERENCES departments (id),
    requested_at  INTEGER NOT NULL,
    requested_by  TEXT NOT NULL
);
CREATE UNIQUE INDEX user_role_requests_role ON user_role_requests (user_id, role);

-- +goose Down
DROP TABLE user_role_requests;
