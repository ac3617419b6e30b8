-- +goose Up
-- SHR-4, SHR-5: the misses of each credential's verifications (verify
-- calls, and equality filters on items masked for its grant): a run of
-- them is someone walking through the values a mask hides, told to the
-- secadmins. Counted in the transaction of each such call's audit record,
-- so that instances sharing the database count together.
CREATE TABLE verify_misses (
    credential_id BIGINT PRIMARY KEY REFERENCES credentials (id),
    run           BIGINT NOT NULL DEFAULT 0, -- misses since the last hit
    window_start  BIGINT NOT NULL,           -- the current window's start
    window_misses BIGINT NOT NULL DEFAULT 0, -- misses in it, hits or not between
    notified_at   BIGINT NOT NULL DEFAULT 0  -- the last notice to the secadmins
);

-- +goose Down
DROP TABLE verify_misses;
