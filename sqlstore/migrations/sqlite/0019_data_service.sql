-- +goose Up
-- SHR-5, SJZ-S-23: the secadmin's masking policy, one JSON document (a
-- mask per sensitivity level, and per item where one differs).
CREATE TABLE mask_policy (
    id         INTEGER PRIMARY KEY,
    policy     TEXT NOT NULL,
    updated_at INTEGER NOT NULL,
    updated_by TEXT NOT NULL
);

-- SEC-5, SJZ-S-27: each exported file's trace mark and whom it was for.
CREATE TABLE export_traces (
    trace                  TEXT PRIMARY KEY,
    grant_id               INTEGER NOT NULL REFERENCES grants (id),
    credential_id          INTEGER NOT NULL REFERENCES credentials (id),
    consumer_department_id INTEGER NOT NULL,
    entry_id               INTEGER NOT NULL,
    format                 TEXT NOT NULL,
    items                  TEXT NOT NULL,
    row_count              INTEGER NOT NULL,
    at                     INTEGER NOT NULL
);

-- +goose Down
DROP TABLE export_traces;
DROP TABLE mask_policy;
