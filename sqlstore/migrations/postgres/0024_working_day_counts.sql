-- +goose Up
-- CAL-1: a date counted in working days keeps what it was counted from, so
-- that loading or correcting a year's holidays can count it again: the day
-- the count starts (the step's own start, or for a step that shares an
-- earlier step's deadline that step's start) and the working days counted
-- (the step's own plus any extension, HLJ-15). NULL working_days: counted
-- before 0025, inferred when first recounted. Rows from before 0025 count
-- from their own start day in China time (UTC+8).
ALTER TABLE workflow_steps ADD COLUMN count_from TEXT NOT NULL DEFAULT '';
ALTER TABLE workflow_steps ADD COLUMN working_days INTEGER;
UPDATE workflow_steps SET count_from = to_char(to_timestamp(started_at / 1000000 + 28800) AT TIME ZONE 'UTC', 'YYYY-MM-DD') WHERE due_date <> '';

-- HLJ-27: the rectify-by day of a grant flag, counted the same way.
ALTER TABLE grant_flags ADD COLUMN count_from TEXT NOT NULL DEFAULT '';
ALTER TABLE grant_flags ADD COLUMN working_days INTEGER;
UPDATE grant_flags SET count_from = to_char(to_timestamp(raised_at / 1000000 + 28800) AT TIME ZONE 'UTC', 'YYYY-MM-DD') WHERE rectify_by IS NOT NULL AND rectify_by <> '';

-- +goose Down
ALTER TABLE grant_flags DROP COLUMN working_days;
ALTER TABLE grant_flags DROP COLUMN count_from;
ALTER TABLE workflow_steps DROP COLUMN working_days;
ALTER TABLE workflow_steps DROP COLUMN count_from;
