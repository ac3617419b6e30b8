-- +goose Up
-- The supervision list reads the overdue steps of one bureau, longest
-- overdue first; the deadline sweep reads the steps it has not yet handled
-- in due-date order. Partial indexes hold just those rows.
CREATE INDEX workflow_instances_overdue ON workflow_instances (bureau_id, overdue_since, id)
    WHERE state = 'open' AND overdue_seq = step_seq;
CREATE INDEX workflow_instances_unswept ON workflow_instances (due_date, id)
    WHERE state = 'open' AND due_date <> '' AND overdue_seq <> step_seq;

-- +goose Down
DROP INDEX workflow_instances_unswept;
DROP INDEX workflow_instances_overdue;
