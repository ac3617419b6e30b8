-- +goose Up
-- AGG-6 (SX-31, SX-32): requests to change stored rows outside an ingest,
-- each run by a data_maintenance workflow. The changes name key values and
-- new values: sealed (sealed = 1) when the entry has sensitive items.
CREATE TABLE maintenance_requests (
    id            INTEGER PRIMARY KEY,
    entry_id      INTEGER NOT NULL REFERENCES catalog_entries (id),
    department_id INTEGER NOT NULL REFERENCES departments (id),
    workflow_id   INTEGER NOT NULL REFERENCES workflow_instances (id),
    reason        TEXT NOT NULL,
    sealed        INTEGER NOT NULL,
    changes       BLOB NOT NULL,
    state         TEXT NOT NULL,
    batch_id      INTEGER REFERENCES batches (id),
    created_by    TEXT NOT NULL,
    created_at    INTEGER NOT NULL,
    updated_at    INTEGER NOT NULL
);
CREATE INDEX maintenance_requests_entry ON maintenance_requests (entry_id, id);

-- +goose Down
DROP TABLE maintenance_requests;
