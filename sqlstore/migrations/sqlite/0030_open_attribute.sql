-- +goose Up
-- ZJ-20: an entry's open attribute (open type and its conditions) is in
-- force from the version named here. Under a profile with the
-- open_attribute workflow it moves only once the source, the 办公室 and
-- the 数字中心's leader have approved; otherwise it follows the published
-- version. 0: no version in force (not open). Entries published before
-- this migration keep the attribute they were published with.
ALTER TABLE catalog_entries ADD COLUMN open_effective_version INTEGER NOT NULL DEFAULT 0;
UPDATE catalog_entries SET open_effective_version = published_version;

-- One approved version's open attribute on its way to taking effect, run
-- by the profile's open_attribute workflow.
CREATE TABLE open_attribute_approvals (
    id                     INTEGER PRIMARY KEY,
    entry_id               INTEGER NOT NULL REFERENCES catalog_entries (id),
    version                INTEGER NOT NULL,       -- the catalog version whose attribute is proposed
    effective_version      INTEGER NOT NULL,       -- the one in force when it began (0: none)
    provider_department_id INTEGER NOT NULL REFERENCES departments (id),
    state                  TEXT NOT NULL,          -- pending | approved | rejected | superseded
    workflow_id            INTEGER NOT NULL REFERENCES workflow_instances (id),
    created_at             INTEGER NOT NULL,
    decided_at             INTEGER
);
CREATE INDEX open_attribute_approvals_entry ON open_attribute_approvals (entry_id, state);

-- +goose Down
DROP TABLE open_attribute_approvals;
ALTER TABLE catalog_entries DROP COLUMN open_effective_version;
