-- +goose Up
-- SHR-5: items asked for unmasked; SEC-5: permission to export items at
-- sensitivity 3-4. Asked in the application, carried to the grant.
ALTER TABLE applications ADD COLUMN unmasked_items TEXT NOT NULL DEFAULT '[]';
ALTER TABLE applications ADD COLUMN export_sensitive BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE grants ADD COLUMN unmasked_items TEXT NOT NULL DEFAULT '[]';
ALTER TABLE grants ADD COLUMN export_sensitive BOOLEAN NOT NULL DEFAULT FALSE;
-- SHR-6: the grant's usage, counted in the transaction of each call's
-- audit record.
ALTER TABLE grants ADD COLUMN calls BIGINT NOT NULL DEFAULT 0;
ALTER TABLE grants ADD COLUMN rows_served BIGINT NOT NULL DEFAULT 0;
ALTER TABLE grants ADD COLUMN refused_calls BIGINT NOT NULL DEFAULT 0;
ALTER TABLE grants ADD COLUMN last_used_at BIGINT;

-- SHR-3: the consumer's system credentials that call with a grant; one
-- credential may serve several grants.
CREATE TABLE grant_credentials (
    grant_id      BIGINT NOT NULL REFERENCES grants (id),
    credential_id BIGINT NOT NULL REFERENCES credentials (id),
    bound_at      BIGINT NOT NULL,
    bound_by      TEXT NOT NULL,
    PRIMARY KEY (grant_id, credential_id)
);
CREATE INDEX grant_credentials_credential ON grant_credentials (credential_id);

-- +goose Down
DROP TABLE grant_credentials;
ALTER TABLE grants DROP COLUMN last_used_at;
ALTER TABLE grants DROP COLUMN refused_calls;
ALTER TABLE grants DROP COLUMN rows_served;
ALTER TABLE grants DROP COLUMN calls;
ALTER TABLE grants DROP COLUMN export_sensitive;
ALTER TABLE grants DROP COLUMN unmasked_items;
ALTER TABLE applications DROP COLUMN export_sensitive;
ALTER TABLE applications DROP COLUMN unmasked_items;
