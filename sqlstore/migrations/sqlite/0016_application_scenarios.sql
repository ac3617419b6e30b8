-- +goose Up
-- LS-19(三), SHR-2: application scenarios, each for one entry and one
-- consumer department. Items, methods and region scope are JSON arrays.
CREATE TABLE application_scenarios (
    id                     INTEGER PRIMARY KEY,
    entry_id               INTEGER NOT NULL REFERENCES catalog_entries (id),
    provider_department_id INTEGER NOT NULL REFERENCES departments (id),
    consumer_department_id INTEGER NOT NULL REFERENCES departments (id),
    name                   TEXT NOT NULL,
    items                  TEXT NOT NULL,
    purpose                TEXT NOT NULL,
    legal_basis            TEXT NOT NULL,
    methods                TEXT NOT NULL,
    region_scope           TEXT NOT NULL,
    max_days               INTEGER NOT NULL,
    state                  TEXT NOT NULL,
    registered_by          TEXT NOT NULL,
    registered_at          INTEGER NOT NULL,
    retired_by             TEXT NOT NULL DEFAULT '',
    retired_at             INTEGER,
    retire_reason          TEXT NOT NULL DEFAULT ''
);
CREATE INDEX application_scenarios_match ON application_scenarios (entry_id, consumer_department_id, state);
CREATE INDEX application_scenarios_provider ON application_scenarios (provider_department_id, id);
CREATE INDEX application_scenarios_consumer ON application_scenarios (consumer_department_id, id);

-- An application granted by a scenario runs no workflow: workflow_id may
-- be NULL, scenario_id names the scenario. SQLite cannot drop a NOT NULL,
-- so the table is rebuilt; grants reference it, hence the deferred foreign
-- keys (the copy restores every referenced row before the commit).
PRAGMA defer_foreign_keys = ON;
CREATE TABLE applications_0016 AS SELECT * FROM applications;
DROP TABLE applications;
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
    workflow_id             INTEGER REFERENCES workflow_instances (id),
    grant_id                INTEGER,
    created_by              TEXT NOT NULL,
    created_at              INTEGER NOT NULL,
    updated_at              INTEGER NOT NULL,
    scenario_id             INTEGER REFERENCES application_scenarios (id)
);
INSERT INTO applications (id, entry_id, entry_version, applicant_department_id, provider_department_id, share_type, items, scenario,
    purpose, legal_basis, region_scope, method, valid_until, state, refusal_category, refusal_reason, workflow_id, grant_id,
    created_by, created_at, updated_at)
SELECT id, entry_id, entry_version, applicant_department_id, provider_department_id, share_type, items, scenario,
    purpose, legal_basis, region_scope, method, valid_until, state, refusal_category, refusal_reason, workflow_id, grant_id,
    created_by, created_at, updated_at FROM applications_0016;
DROP TABLE applications_0016;
CREATE INDEX applications_applicant ON applications (applicant_department_id, id);
CREATE INDEX applications_provider ON applications (provider_department_id, id);

-- +goose Down
-- Fails while an application granted by a scenario exists (no workflow).
PRAGMA defer_foreign_keys = ON;
CREATE TABLE applications_0016 AS SELECT * FROM applications;
DROP TABLE applications;
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
INSERT INTO applications (id, entry_id, entry_version, applicant_department_id, provider_department_id, share_type, items, scenario,
    purpose, legal_basis, region_scope, method, valid_until, state, refusal_category, refusal_reason, workflow_id, grant_id,
    created_by, created_at, updated_at)
SELECT id, entry_id, entry_version, applicant_department_id, provider_department_id, share_type, items, scenario,
    purpose, legal_basis, region_scope, method, valid_until, state, refusal_category, refusal_reason, workflow_id, grant_id,
    created_by, created_at, updated_at FROM applications_0016;
DROP TABLE applications_0016;
CREATE INDEX applications_applicant ON applications (applicant_department_id, id);
CREATE INDEX applications_provider ON applications (provider_department_id, id);
DROP TABLE application_scenarios;
