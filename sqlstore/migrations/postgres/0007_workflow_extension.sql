-- +goose Up
-- HLJ-15: the bureau may extend a step's deadline once, on the policy
-- basis the department gives; the step's record keeps who, when and why.
ALTER TABLE workflow_steps ADD COLUMN extended_at BIGINT;
ALTER TABLE workflow_steps ADD COLUMN extended_by TEXT NOT NULL DEFAULT '';
ALTER TABLE workflow_steps ADD COLUMN extension_reason TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE workflow_steps DROP COLUMN extension_reason;
ALTER TABLE workflow_steps DROP COLUMN extended_by;
ALTER TABLE workflow_steps DROP COLUMN extended_at;
