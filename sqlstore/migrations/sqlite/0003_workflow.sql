-- +goose Up
-- CAL-2: instances of a profile's workflows. The current step's due date is
-- kept on the instance (indexed for the sweep of reminders and overdue
-- steps); every step an instance went through is kept in workflow_steps.
CREATE TABLE workflow_instances (
    id              INTEGER PRIMARY KEY,
    kind            TEXT NOT NULL,
    subject_type    TEXT NOT NULL,
    subject_id      TEXT NOT NULL,
    title           TEXT NOT NULL,
    provider_id     INTEGER REFERENCES departments (id),
    applicant_id    INTEGER REFERENCES departments (id),
    bureau_id       INTEGER REFERENCES departments (id),
    state           TEXT NOT NULL,
    step            TEXT NOT NULL,
    -- who acts at the current step: its role and, unless an administrator
    -- role acts for the platform, the department (the inbox's query)
    actor_role      TEXT NOT NULL DEFAULT '',
    actor_dept      INTEGER REFERENCES departments (id),
    return_to       TEXT NOT NULL DEFAULT '',
    -- step_seq counts the steps started: a decision names the one it decides.
    step_seq        INTEGER NOT NULL,
    step_started_at INTEGER NOT NULL,
    due_date        TEXT NOT NULL DEFAULT '',
    calendar_known  INTEGER NOT NULL DEFAULT 0,
    created_at      INTEGER NOT NULL,
    created_by      TEXT NOT NULL,
    updated_at      INTEGER NOT NULL
);
CREATE INDEX workflow_instances_due ON workflow_instances (state, due_date);
CREATE INDEX workflow_instances_inbox ON workflow_instances (actor_role, actor_dept, state, due_date);
CREATE INDEX workflow_instances_subject ON workflow_instances (subject_type, subject_id);

CREATE TABLE workflow_steps (
    id             INTEGER PRIMARY KEY,
    instance_id    INTEGER NOT NULL REFERENCES workflow_instances (id),
    seq            INTEGER NOT NULL,
    step           TEXT NOT NULL,
    started_at     INTEGER NOT NULL,
    due_date       TEXT NOT NULL DEFAULT '',
    calendar_known INTEGER NOT NULL DEFAULT 0,
    acted_at       INTEGER,
    acted_by       TEXT NOT NULL DEFAULT '',
    action         TEXT NOT NULL DEFAULT '',
    reason         TEXT NOT NULL DEFAULT '',
    UNIQUE (instance_id, seq)
);

-- +goose Down
DROP TABLE workflow_steps;
DROP TABLE workflow_instances;
