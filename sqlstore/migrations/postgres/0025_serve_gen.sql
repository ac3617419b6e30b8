-- +goose Up
-- SHR-4: a data-service call answers from what its credential's last call
-- found (sqlstore/service.go, heldTarget) under one cheap condition: the
-- entry's serve_gen unchanged. Every change to what decides whether and
-- how an entry is served to a credential — its dataset's version, its
-- source's kind (live or stored), its grants' states and holders — counts
-- serve_gen up here, in the database, so that no writer can forget it and
-- the call right after a grant's suspension or revocation sees it.
ALTER TABLE catalog_entries ADD COLUMN serve_gen BIGINT NOT NULL DEFAULT 0;

-- +goose StatementBegin
CREATE FUNCTION serve_gen_count() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    entries BIGINT[] := '{}';
BEGIN
    IF TG_TABLE_NAME = 'grant_credentials' THEN
        IF TG_OP <> 'INSERT' THEN entries := entries || (SELECT entry_id FROM grants WHERE id = OLD.grant_id); END IF;
        IF TG_OP <> 'DELETE' THEN entries := entries || (SELECT entry_id FROM grants WHERE id = NEW.grant_id); END IF;
    ELSE
        IF TG_OP <> 'INSERT' THEN entries := entries || OLD.entry_id; END IF;
        IF TG_OP <> 'DELETE' THEN entries := entries || NEW.entry_id; END IF;
    END IF;
    UPDATE catalog_entries SET serve_gen = serve_gen + 1 WHERE id = ANY (entries);
    RETURN NULL;
END;
$$;
-- +goose StatementEnd

CREATE TRIGGER datasets_serve_gen AFTER INSERT OR DELETE ON datasets
    FOR EACH ROW EXECUTE FUNCTION serve_gen_count();
CREATE TRIGGER datasets_serve_gen_upd AFTER UPDATE OF entry_id, entry_version ON datasets
    FOR EACH ROW WHEN (OLD.entry_id IS DISTINCT FROM NEW.entry_id OR OLD.entry_version IS DISTINCT FROM NEW.entry_version)
    EXECUTE FUNCTION serve_gen_count();

CREATE TRIGGER data_sources_serve_gen AFTER INSERT OR DELETE ON data_sources
    FOR EACH ROW EXECUTE FUNCTION serve_gen_count();
CREATE TRIGGER data_sources_serve_gen_upd AFTER UPDATE OF entry_id, kind ON data_sources
    FOR EACH ROW WHEN (OLD.entry_id IS DISTINCT FROM NEW.entry_id OR OLD.kind IS DISTINCT FROM NEW.kind)
    EXECUTE FUNCTION serve_gen_count();

CREATE TRIGGER grants_serve_gen AFTER INSERT OR DELETE ON grants
    FOR EACH ROW EXECUTE FUNCTION serve_gen_count();
-- Not the usage counters a call updates (calls, rows_served, last_used_at).
CREATE TRIGGER grants_serve_gen_upd AFTER UPDATE OF entry_id, consumer_department_id, state ON grants
    FOR EACH ROW WHEN (OLD.entry_id IS DISTINCT FROM NEW.entry_id
        OR OLD.consumer_department_id IS DISTINCT FROM NEW.consumer_department_id OR OLD.state IS DISTINCT FROM NEW.state)
    EXECUTE FUNCTION serve_gen_count();

CREATE TRIGGER grant_credentials_serve_gen AFTER INSERT OR UPDATE OR DELETE ON grant_credentials
    FOR EACH ROW EXECUTE FUNCTION serve_gen_count();

-- +goose Down
DROP TRIGGER grant_credentials_serve_gen ON grant_credentials;
DROP TRIGGER grants_serve_gen_upd ON grants;
DROP TRIGGER grants_serve_gen ON grants;
DROP TRIGGER data_sources_serve_gen_upd ON data_sources;
DROP TRIGGER data_sources_serve_gen ON data_sources;
DROP TRIGGER datasets_serve_gen_upd ON datasets;
DROP TRIGGER datasets_serve_gen ON datasets;
DROP FUNCTION serve_gen_count;
ALTER TABLE catalog_entries DROP COLUMN serve_gen;
