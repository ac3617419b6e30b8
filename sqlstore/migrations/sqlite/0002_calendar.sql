-- +goose Up
-- CAL-1: one row per year whose State Council notice is loaded. data holds
-- the year's holiday blocks and make-up working days as JSON, exactly as
-- loaded (govdata.CalendarYear); a year without a row is unknown.
CREATE TABLE calendar_years (
    year       INTEGER PRIMARY KEY,
    source     TEXT NOT NULL,
    data       TEXT NOT NULL,
    updated_at BIGINT NOT NULL,
    updated_by TEXT NOT NULL
);

-- +goose Down
DROP TABLE calendar_years;
