-- +goose Up
-- SHR-1, SHR-2: share applications, each run by the profile's workflow for
-- its entry's share type. Items and region scope are JSON arrays.
CREATE TABLE applications (
    id                      INTEGER PRIMARY KEY,
    entry_id                INTEGER NOT NULL REFERENCES catalog_entries (id),
    entry_version           INTEGER NOT NULL,
    applicant_department_id INTEGER NOT NULL REFERENCES departments (id),
    provider_department_id  INTEGER NOT NULL REFERENCES departments (id),
    share_type              TEXT NOT NULL,
    items                   TEXT NOT NULL,
    scenario                TEXT NOT NULL,
    purpose                 TEXT NOT NULL,
    legal_basis             TEXT NOT NULL,
    region_scope            TEXT NOT NULL,
    method                  TEXT NOT NULL,
    valid_until             TEXT NOT NULL,
    state                   TEXT NOT NULL,
    refusal_category        TEXT NOT NULL DEFAULT '',
    refusal_reason          TEXT NOT NULL DEFAULT '',
    workflow_id             INTEGER NOT NULL REFERENCES workflow_instances (id),
    grant_id                INTEGER,
    created_by              TEXT NOT NULL,
    created_at              INTEGER NOT NULL,
    updated_at              INTEGER NOT NULL
);
CREATE INDEX applications_applicant ON applications (applicant_department_id, id);
CREATE INDEX applications_provider ON applications (provider_department_id, id);

-- +goose Down
DROP TABLE applications;
