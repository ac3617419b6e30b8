-- +goose Up
-- AGG-1: the dataset behind a published entry. Its rows live in a table of
-- their own, ds_<entry id>, with one column per item (c<n>; sealed values
-- and a blind index h<n> for items at sensitivity 3–4, SEC-2), the row's
-- id and the batch that last wrote it (AGG-3); earlier versions of rows go
-- to ds_<entry id>_history.
CREATE TABLE datasets (
    entry_id      INTEGER PRIMARY KEY REFERENCES catalog_entries (id),
    department_id INTEGER NOT NULL REFERENCES departments (id),
    entry_version INTEGER NOT NULL,
    next_column   INTEGER NOT NULL,
    key_index     TEXT NOT NULL DEFAULT '',
    row_count     INTEGER NOT NULL DEFAULT 0,
    last_batch_id INTEGER,
    refreshed_at  INTEGER,
    -- AGG-4: the entry's update cycle, when the dataset falls stale, and
    -- since when it is (flagged once per refresh).
    entry_name    TEXT NOT NULL DEFAULT '',
    update_cycle  TEXT NOT NULL DEFAULT '',
    due_at        INTEGER,
    stale_since   INTEGER,
    created_at    INTEGER NOT NULL
);

CREATE INDEX datasets_due ON datasets (due_at) WHERE stale_since IS NULL;
CREATE INDEX datasets_stale ON datasets (stale_since) WHERE stale_since IS NOT NULL;

-- One column of a dataset: the item it holds, or held before a later
-- version dropped it (retired_version; its values are kept).
CREATE TABLE dataset_columns (
    entry_id        INTEGER NOT NULL REFERENCES datasets (entry_id),
    col             INTEGER NOT NULL,
    item_name       TEXT NOT NULL,
    item_type       TEXT NOT NULL,
    encrypted       INTEGER NOT NULL,
    key_part        INTEGER NOT NULL,
    retired_version INTEGER,
    PRIMARY KEY (entry_id, col)
);

-- AGG-2, AGG-3: every load of rows, with its provenance and quality report.
CREATE TABLE batches (
    id            INTEGER PRIMARY KEY,
    entry_id      INTEGER NOT NULL REFERENCES catalog_entries (id),
    department_id INTEGER NOT NULL REFERENCES departments (id),
    entry_version INTEGER NOT NULL,
    mode          TEXT NOT NULL,
    source        TEXT NOT NULL,
    format        TEXT NOT NULL,
    file_name     TEXT NOT NULL DEFAULT '',
    sha256        TEXT NOT NULL DEFAULT '',
    bytes         INTEGER NOT NULL DEFAULT 0,
    operator_id   INTEGER,
    operator      TEXT NOT NULL,
    state         TEXT NOT NULL,
    report        TEXT NOT NULL DEFAULT '{}',
    error_zh      TEXT NOT NULL DEFAULT '',
    error_en      TEXT NOT NULL DEFAULT '',
    started_at    INTEGER NOT NULL,
    ended_at      INTEGER
);
CREATE INDEX batches_entry ON batches (entry_id, id);
CREATE INDEX batches_running ON batches (state) WHERE state = 'running';

-- AGG-2: each rejected row with its reasons. Values of an entry with
-- sensitive items are sealed (sealed = 1) like the dataset's own.
CREATE TABLE batch_rejects (
    batch_id INTEGER NOT NULL REFERENCES batches (id),
    row_no   INTEGER NOT NULL,
    line     INTEGER NOT NULL,
    reasons  TEXT NOT NULL,
    sealed   INTEGER NOT NULL,
    row_values BLOB NOT NULL,
    PRIMARY KEY (batch_id, row_no)
);

-- +goose Down
DROP TABLE batch_rejects;
DROP TABLE batches;
DROP TABLE dataset_columns;
DROP TABLE datasets;
