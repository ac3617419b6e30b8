-- +goose Up
-- AGG-1, AGG-5: where an entry's data also comes from — a table of the
-- provider's database or an HTTP endpoint pulled on a schedule, or the
-- provider's API asked live. The secret (password or token) is sealed
-- with the data keys; the rest of the configuration is plain JSON.
CREATE TABLE data_sources (
    entry_id      BIGINT PRIMARY KEY REFERENCES catalog_entries (id),
    department_id BIGINT NOT NULL REFERENCES departments (id),
    kind          TEXT NOT NULL,
    config        TEXT NOT NULL,
    secret        BYTEA,
    every_minutes INTEGER NOT NULL,
    next_run_at   BIGINT,
    last_run_at   BIGINT,
    last_batch_id BIGINT REFERENCES batches (id),
    last_error_zh TEXT NOT NULL DEFAULT '',
    last_error_en TEXT NOT NULL DEFAULT '',
    updated_at    BIGINT NOT NULL
);
CREATE INDEX data_sources_due ON data_sources (next_run_at) WHERE every_minutes > 0;

-- +goose Down
DROP TABLE data_sources;
