-- +goose Up
-- SHR-7: what a consumer records per grant of what it received — use
-- (scenario, outcome), storage, destruction (HLJ-28). day is used_on,
-- stored_from or destroyed_on by kind; row_count NULL when not stated.
-- Records are evidence: never changed; a mistake is corrected by a later
-- record naming it in corrects (at most one correction each).
CREATE TABLE usage_records (
    id                INTEGER PRIMARY KEY,
    grant_id          INTEGER NOT NULL REFERENCES grants (id),
    kind              TEXT NOT NULL CHECK (kind IN ('use', 'storage', 'destruction')),
    scenario          TEXT NOT NULL DEFAULT '',
    outcome           TEXT NOT NULL DEFAULT '',
    process           TEXT NOT NULL DEFAULT '',
    location          TEXT NOT NULL DEFAULT '',
    protection        TEXT NOT NULL DEFAULT '',
    destroyed_data    TEXT NOT NULL DEFAULT '',
    method            TEXT NOT NULL DEFAULT '',
    destroyed_by      TEXT NOT NULL DEFAULT '',
    witness           TEXT NOT NULL DEFAULT '',
    day               TEXT NOT NULL,
    row_count         INTEGER CHECK (row_count >= 0),
    corrects          INTEGER UNIQUE REFERENCES usage_records (id),
    correction_reason TEXT NOT NULL DEFAULT '',
    recorded_by_id    INTEGER NOT NULL,
    recorded_by       TEXT NOT NULL,
    recorded_at       INTEGER NOT NULL
);
CREATE INDEX usage_records_grant ON usage_records (grant_id, id);
CREATE INDEX usage_records_grant_kind ON usage_records (grant_id, kind, id);

-- Kept at least three years (SX-22, HLJ-28): nothing in govdata deletes
-- them; these triggers stop the database's own users from changing any
-- record, or deleting one younger than the audit retention (never less
-- than 1096 days, whatever meta says).
-- +goose StatementBegin
CREATE TRIGGER usage_records_no_update BEFORE UPDATE ON usage_records
BEGIN
    SELECT RAISE(ABORT, 'usage_records is append-only: correct a record with a new one');
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER usage_records_retention BEFORE DELETE ON usage_records
WHEN OLD.recorded_at > (CAST(strftime('%s', 'now') AS INTEGER)
               - 86400 * MAX(1096, COALESCE((SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'audit_retention_days'), 1096))) * 1000000
BEGIN
    SELECT RAISE(ABORT, 'usage records are kept for the retention period');
END;
-- +goose StatementEnd

-- +goose Down
DROP TABLE usage_records;
