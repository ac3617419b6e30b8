-- +goose Up
-- CAL-3: an inbox lists the open steps of one role in one department,
-- soonest due first and undated last; this index holds them in that order,
-- so a page is read from its start instead of sorting every open step.
DROP INDEX workflow_instances_inbox;
CREATE INDEX workflow_instances_inbox ON workflow_instances
    (actor_dept, actor_role, (CASE WHEN due_date = '' THEN '~' ELSE due_date END), id)
    WHERE state = 'open';

-- +goose Down
DROP INDEX workflow_instances_inbox;
CREATE INDEX workflow_instances_inbox ON workflow_instances (actor_role, actor_dept, state, due_date);
