-- +goose Up
-- CAT-1…5: catalog entries and their versions. The working version's
-- content is JSON (EntryInput); the published version stays readable while
-- a change is reviewed.
CREATE TABLE catalog_entries (
    id                INTEGER PRIMARY KEY,
    resource_code     TEXT NOT NULL UNIQUE,
    department_id     INTEGER NOT NULL REFERENCES departments (id),
    region_code       TEXT NOT NULL,
    level             TEXT NOT NULL,
    status            TEXT NOT NULL,
    version           INTEGER NOT NULL,
    published_version INTEGER NOT NULL DEFAULT 0,
    workflow_id       INTEGER REFERENCES workflow_instances (id),
    published_at      INTEGER,
    grace_until       TEXT NOT NULL DEFAULT '',
    created_at        INTEGER NOT NULL,
    updated_at        INTEGER NOT NULL
);
CREATE INDEX catalog_entries_department ON catalog_entries (department_id);
CREATE INDEX catalog_entries_grace ON catalog_entries (grace_until) WHERE status = 'revoking';

CREATE TABLE catalog_versions (
    entry_id     INTEGER NOT NULL REFERENCES catalog_entries (id),
    version      INTEGER NOT NULL,
    status       TEXT NOT NULL,
    content      TEXT NOT NULL,
    created_by   TEXT NOT NULL,
    created_at   INTEGER NOT NULL,
    submitted_at INTEGER,
    approved_by  TEXT NOT NULL DEFAULT '',
    approved_at  INTEGER,
    comment      TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (entry_id, version)
);

-- Each provider's resource-code sequence: a code is never reused.
CREATE TABLE catalog_sequences (
    department_id INTEGER PRIMARY KEY REFERENCES departments (id),
    last          INTEGER NOT NULL
);

-- The search projection (CAT-5): one row per entry, of the version a search
-- shows (the published one, else the working one). name_doc, summary_doc
-- and items_doc hold the text with every Chinese character a word of its
-- own, so that one- and two-character queries are phrase queries of an
-- ordinary full-text index. The _bi columns hold each pair of neighbouring
-- characters as a word: a query of n characters is the phrase of its n-1
-- pairs, whose lists are far shorter than those of single characters.
--
-- rev orders the rows by their last change: it is the full-text index's
-- rowid, so that "newest first" is the index's own order and a page of
-- results stops early. tags holds the entry's filter values as words
-- (zpub, zd12, zr2301 …), so that a text search with its filters and
-- visibility is one full-text query.
CREATE TABLE catalog_search (
    entry_id      INTEGER PRIMARY KEY REFERENCES catalog_entries (id),
    department_id INTEGER NOT NULL,
    region_code   TEXT NOT NULL,
    published     INTEGER NOT NULL,
    open          INTEGER NOT NULL,
    status        TEXT NOT NULL,
    name          TEXT NOT NULL,
    class_code    TEXT NOT NULL,
    share_type    TEXT NOT NULL,
    open_type     TEXT NOT NULL,
    grade         TEXT NOT NULL,
    format        TEXT NOT NULL,
    update_cycle  TEXT NOT NULL,
    updated_at    INTEGER NOT NULL,
    name_doc      TEXT NOT NULL,
    summary_doc   TEXT NOT NULL,
    items_doc     TEXT NOT NULL,
    name_bi       TEXT NOT NULL,
    summary_bi    TEXT NOT NULL,
    items_bi      TEXT NOT NULL,
    rev           INTEGER NOT NULL UNIQUE,
    tags          TEXT NOT NULL
);
CREATE INDEX catalog_search_updated ON catalog_search (updated_at, entry_id);
CREATE INDEX catalog_search_region ON catalog_search (region_code);
CREATE INDEX catalog_search_department ON catalog_search (department_id);

CREATE VIRTUAL TABLE catalog_fts USING fts5 (
    name_doc, summary_doc, items_doc, name_bi, summary_bi, items_bi, tags,
    content = 'catalog_search', content_rowid = 'rev',
    tokenize = 'unicode61 remove_diacritics 0'
);
-- The names alone: whether a query's name matches are few is answered from
-- lists that hold names only.
CREATE VIRTUAL TABLE catalog_fts_name USING fts5 (
    name_doc, name_bi,
    content = 'catalog_search', content_rowid = 'rev',
    tokenize = 'unicode61 remove_diacritics 0'
);
-- +goose StatementBegin
CREATE TRIGGER catalog_search_ai AFTER INSERT ON catalog_search BEGIN
    INSERT INTO catalog_fts (rowid, name_doc, summary_doc, items_doc, name_bi, summary_bi, items_bi, tags)
        VALUES (new.rev, new.name_doc, new.summary_doc, new.items_doc, new.name_bi, new.summary_bi, new.items_bi, new.tags);
    INSERT INTO catalog_fts_name (rowid, name_doc, name_bi) VALUES (new.rev, new.name_doc, new.name_bi);
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER catalog_search_ad AFTER DELETE ON catalog_search BEGIN
    INSERT INTO catalog_fts (catalog_fts, rowid, name_doc, summary_doc, items_doc, name_bi, summary_bi, items_bi, tags)
        VALUES ('delete', old.rev, old.name_doc, old.summary_doc, old.items_doc, old.name_bi, old.summary_bi, old.items_bi, old.tags);
    INSERT INTO catalog_fts_name (catalog_fts_name, rowid, name_doc, name_bi) VALUES ('delete', old.rev, old.name_doc, old.name_bi);
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER catalog_search_au AFTER UPDATE ON catalog_search BEGIN
    INSERT INTO catalog_fts (catalog_fts, rowid, name_doc, summary_doc, items_doc, name_bi, summary_bi, items_bi, tags)
        VALUES ('delete', old.rev, old.name_doc, old.summary_doc, old.items_doc, old.name_bi, old.summary_bi, old.items_bi, old.tags);
    INSERT INTO catalog_fts (rowid, name_doc, summary_doc, items_doc, name_bi, summary_bi, items_bi, tags)
        VALUES (new.rev, new.name_doc, new.summary_doc, new.items_doc, new.name_bi, new.summary_bi, new.items_bi, new.tags);
    INSERT INTO catalog_fts_name (catalog_fts_name, rowid, name_doc, name_bi) VALUES ('delete', old.rev, old.name_doc, old.name_bi);
    INSERT INTO catalog_fts_name (rowid, name_doc, name_bi) VALUES (new.rev, new.name_doc, new.name_bi);
END;
-- +goose StatementEnd

-- +goose Down
DROP TABLE catalog_fts_name;
DROP TABLE catalog_fts;
DROP TABLE catalog_search;
DROP TABLE catalog_sequences;
DROP TABLE catalog_versions;
DROP TABLE catalog_entries;
