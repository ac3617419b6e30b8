-- +goose Up
-- SHR-3: an approved application's grant. Expiry needs no writing: a grant
-- whose valid_until has passed is expired when read.
CREATE TABLE grants (
    id                     INTEGER PRIMARY KEY,
    application_id         INTEGER NOT NULL UNIQUE REFERENCES applications (id),
    entry_id               INTEGER NOT NULL REFERENCES catalog_entries (id),
    consumer_department_id INTEGER NOT NULL REFERENCES departments (id),
    provider_department_id INTEGER NOT NULL REFERENCES departments (id),
    items                  TEXT NOT NULL,
    region_scope           TEXT NOT NULL,
    purpose                TEXT NOT NULL,
    method                 TEXT NOT NULL,
    valid_from             TEXT NOT NULL,
    valid_until            TEXT NOT NULL,
    state                  TEXT NOT NULL,
    state_reason           TEXT NOT NULL DEFAULT '',
    created_at             INTEGER NOT NULL,
    updated_at             INTEGER NOT NULL
);
CREATE INDEX grants_entry ON grants (entry_id, state);
CREATE INDEX grants_consumer ON grants (consumer_department_id, id);
CREATE INDEX grants_provider ON grants (provider_department_id, id);

-- +goose Down
DROP TABLE grants;
