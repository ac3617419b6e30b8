-- +goose Up
-- SHR-4: a data-service call answers from what its credential's last call
-- found (sqlstore/service.go, heldTarget) under one cheap condition: the
-- entry's serve_gen unchanged. Every change to what decides whether and
-- how an entry is served to a credential — its dataset's version, its
-- source's kind (live or stored), its grants' states and holders — counts
-- serve_gen up here, in the database, so that no writer can forget it and
-- the call right after a grant's suspension or revocation sees it.
ALTER TABLE catalog_entries ADD COLUMN serve_gen INTEGER NOT NULL DEFAULT 0;

-- +goose StatementBegin
CREATE TRIGGER datasets_serve_gen_ins AFTER INSERT ON datasets BEGIN
    UPDATE catalog_entries SET serve_gen = serve_gen + 1 WHERE id = NEW.entry_id;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER datasets_serve_gen_upd AFTER UPDATE OF entry_id, entry_version ON datasets
    WHEN OLD.entry_id IS NOT NEW.entry_id OR OLD.entry_version IS NOT NEW.entry_version BEGIN
    UPDATE catalog_entries SET serve_gen = serve_gen + 1 WHERE id IN (OLD.entry_id, NEW.entry_id);
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER datasets_serve_gen_del AFTER DELETE ON datasets BEGIN
    UPDATE catalog_entries SET serve_gen = serve_gen + 1 WHERE id = OLD.entry_id;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER data_sources_serve_gen_ins AFTER INSERT ON data_sources BEGIN
    UPDATE catalog_entries SET serve_gen = serve_gen + 1 WHERE id = NEW.entry_id;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER data_sources_serve_gen_upd AFTER UPDATE OF entry_id, kind ON data_sources
    WHEN OLD.entry_id IS NOT NEW.entry_id OR OLD.kind IS NOT NEW.kind BEGIN
    UPDATE catalog_entries SET serve_gen = serve_gen + 1 WHERE id IN (OLD.entry_id, NEW.entry_id);
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER data_sources_serve_gen_del AFTER DELETE ON data_sources BEGIN
    UPDATE catalog_entries SET serve_gen = serve_gen + 1 WHERE id = OLD.entry_id;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER grants_serve_gen_ins AFTER INSERT ON grants BEGIN
    UPDATE catalog_entries SET serve_gen = serve_gen + 1 WHERE id = NEW.entry_id;
END;
-- +goose StatementEnd
-- Not the usage counters a call updates (calls, rows_served, last_used_at).
-- +goose StatementBegin
CREATE TRIGGER grants_serve_gen_upd AFTER UPDATE OF entry_id, consumer_department_id, state ON grants
    WHEN OLD.entry_id IS NOT NEW.entry_id OR OLD.consumer_department_id IS NOT NEW.consumer_department_id
        OR OLD.state IS NOT NEW.state BEGIN
    UPDATE catalog_entries SET serve_gen = serve_gen + 1 WHERE id IN (OLD.entry_id, NEW.entry_id);
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER grants_serve_gen_del AFTER DELETE ON grants BEGIN
    UPDATE catalog_entries SET serve_gen = serve_gen + 1 WHERE id = OLD.entry_id;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER grant_credentials_serve_gen_ins AFTER INSERT ON grant_credentials BEGIN
    UPDATE catalog_entries SET serve_gen = serve_gen + 1 WHERE id = (SELECT entry_id FROM grants WHERE id = NEW.grant_id);
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER grant_credentials_serve_gen_upd AFTER UPDATE ON grant_credentials BEGIN
    UPDATE catalog_entries SET serve_gen = serve_gen + 1
        WHERE id IN (SELECT entry_id FROM grants WHERE id IN (OLD.grant_id, NEW.grant_id));
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER grant_credentials_serve_gen_del AFTER DELETE ON grant_credentials BEGIN
    UPDATE catalog_entries SET serve_gen = serve_gen + 1 WHERE id = (SELECT entry_id FROM grants WHERE id = OLD.grant_id);
END;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER grant_credentials_serve_gen_del;
DROP TRIGGER grant_credentials_serve_gen_upd;
DROP TRIGGER grant_credentials_serve_gen_ins;
DROP TRIGGER grants_serve_gen_del;
DROP TRIGGER grants_serve_gen_upd;
DROP TRIGGER grants_serve_gen_ins;
DROP TRIGGER data_sources_serve_gen_del;
DROP TRIGGER data_sources_serve_gen_upd;
DROP TRIGGER data_sources_serve_gen_ins;
DROP TRIGGER datasets_serve_gen_del;
DROP TRIGGER datasets_serve_gen_upd;
DROP TRIGGER datasets_serve_gen_ins;
ALTER TABLE catalog_entries DROP COLUMN serve_gen;
