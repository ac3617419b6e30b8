-- +goose Up
-- CAL-3: what the deadline sweep has done to the current step of an
-- instance, so that it never reminds or escalates the same step twice and
-- catches up after a restart.
ALTER TABLE workflow_instances ADD COLUMN reminded_seq INTEGER NOT NULL DEFAULT 0;
ALTER TABLE workflow_instances ADD COLUMN overdue_seq INTEGER NOT NULL DEFAULT 0;
ALTER TABLE workflow_instances ADD COLUMN overdue_since TEXT NOT NULL DEFAULT '';

-- The in-app inbox. dedupe makes each notice unique (kind, instance,
-- step, recipient): a sweep that runs twice sends nothing twice.
CREATE TABLE notifications (
    id          INTEGER PRIMARY KEY,
    user_id     INTEGER NOT NULL REFERENCES users (id),
    kind        TEXT NOT NULL,
    instance_id INTEGER REFERENCES workflow_instances (id),
    title_zh    TEXT NOT NULL,
    title_en    TEXT NOT NULL,
    due_date    TEXT NOT NULL DEFAULT '',
    dedupe      TEXT NOT NULL UNIQUE,
    created_at  INTEGER NOT NULL,
    read_at     INTEGER
);
CREATE INDEX notifications_user ON notifications (user_id, id);

-- +goose Down
DROP TABLE notifications;
