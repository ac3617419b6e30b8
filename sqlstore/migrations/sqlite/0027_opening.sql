-- +goose Up
-- OPN-1…3: opening data to the public. Public accounts are a kind apart
-- from staff users (OPN-2): their own table, sessions and API keys, so that
-- no staff role or staff session can ever reach them. Times are Unix
-- microseconds (UTC); days are the deployment's YYYY-MM-DD.

-- OPN-2: a natural person or an organisation (credit code, GB 32100).
CREATE TABLE public_accounts (
    id                  INTEGER PRIMARY KEY,
    kind                TEXT NOT NULL,            -- person | organization
    name                TEXT NOT NULL,
    credit_code         TEXT NOT NULL DEFAULT '', -- organisations only
    email               TEXT NOT NULL UNIQUE,     -- lower-cased
    password_hash       TEXT NOT NULL,
    password_changed_at INTEGER NOT NULL,
    terms_version       TEXT NOT NULL,
    terms_accepted_at   INTEGER NOT NULL,
    confirmed_at        INTEGER,                   -- null until the e-mail link or the operator confirms
    confirmed_by        TEXT NOT NULL DEFAULT '', -- '' by the link; the operator's username otherwise
    state               TEXT NOT NULL DEFAULT 'active', -- active | suspended (HLJ-43)
    state_reason        TEXT NOT NULL DEFAULT '',
    state_changed_at    INTEGER,
    state_changed_by    TEXT NOT NULL DEFAULT '',
    failed_logins       INTEGER NOT NULL DEFAULT 0,
    locked_until        INTEGER,
    created_at          INTEGER NOT NULL,
    updated_at          INTEGER NOT NULL
);

-- The e-mail confirmation links: only the token's hash is kept.
CREATE TABLE public_confirmations (
    token_hash BLOB NOT NULL PRIMARY KEY,
    account_id INTEGER NOT NULL REFERENCES public_accounts (id),
    expires_at INTEGER NOT NULL,
    used_at    INTEGER
);
CREATE INDEX public_confirmations_account ON public_confirmations (account_id);

CREATE TABLE public_sessions (
    id          INTEGER PRIMARY KEY,
    account_id  INTEGER NOT NULL REFERENCES public_accounts (id),
    token_hash  BLOB NOT NULL UNIQUE,
    client_addr TEXT NOT NULL DEFAULT '',
    created_at  INTEGER NOT NULL,
    expires_at  INTEGER NOT NULL,
    revoked_at  INTEGER
);
CREATE INDEX public_sessions_account ON public_sessions (account_id);

-- API keys of the open-data API: shown once, stored as SHA-256 of the key
-- (govdata.HashAPIKey); prefix is the key's first characters, to tell keys apart.
CREATE TABLE public_api_keys (
    id            INTEGER PRIMARY KEY,
    account_id    INTEGER NOT NULL REFERENCES public_accounts (id),
    name          TEXT NOT NULL,
    prefix        TEXT NOT NULL,
    key_hash      TEXT NOT NULL UNIQUE,
    created_at    INTEGER NOT NULL,
    revoked_at    INTEGER,
    revoke_reason TEXT NOT NULL DEFAULT '',
    last_used_at  INTEGER
);
CREATE INDEX public_api_keys_account ON public_api_keys (account_id);

-- OPN-2, HLJ-34, ZJ-23: applications for conditionally open data, each run
-- by the profile's open_conditional workflow. items: a JSON array.
CREATE TABLE open_applications (
    id                    INTEGER PRIMARY KEY,
    account_id            INTEGER NOT NULL REFERENCES public_accounts (id),
    entry_id              INTEGER NOT NULL REFERENCES catalog_entries (id),
    entry_version         INTEGER NOT NULL,
    provider_department_id INTEGER NOT NULL REFERENCES departments (id),
    items                 TEXT NOT NULL,
    purpose               TEXT NOT NULL,
    scenario              TEXT NOT NULL,
    measures              TEXT NOT NULL,           -- the security measures it commits to
    valid_from            TEXT NOT NULL,
    valid_until           TEXT NOT NULL,
    agreement_version     TEXT NOT NULL,           -- 数据开放利用协议 accepted
    state                 TEXT NOT NULL,           -- pending | approved | rejected | withdrawn
    refusal_reason        TEXT NOT NULL DEFAULT '',
    workflow_id           INTEGER REFERENCES workflow_instances (id),
    created_at            INTEGER NOT NULL,
    updated_at            INTEGER NOT NULL
);
CREATE INDEX open_applications_account ON open_applications (account_id, id);
CREATE INDEX open_applications_provider ON open_applications (provider_department_id, id);

-- An approved open application's access: these items of this entry, for
-- the period, through the account's keys or downloads. Expiry needs no
-- writing: past valid_until it is expired when read.
CREATE TABLE open_grants (
    id               INTEGER PRIMARY KEY,
    application_id   INTEGER NOT NULL UNIQUE REFERENCES open_applications (id),
    account_id       INTEGER NOT NULL REFERENCES public_accounts (id),
    entry_id         INTEGER NOT NULL REFERENCES catalog_entries (id),
    items            TEXT NOT NULL,
    valid_from       TEXT NOT NULL,
    valid_until      TEXT NOT NULL,
    state            TEXT NOT NULL,                -- active | suspended | withdrawn
    state_reason     TEXT NOT NULL DEFAULT '',
    state_changed_by TEXT NOT NULL DEFAULT '',
    created_at       INTEGER NOT NULL,
    updated_at       INTEGER NOT NULL
);
CREATE INDEX open_grants_account ON open_grants (account_id, entry_id);
CREATE INDEX open_grants_entry ON open_grants (entry_id, state);

-- OPN-3, HLJ-35: withdrawals of open datasets, run by the profile's
-- open_withdrawal workflow; an approved one is a public notice.
CREATE TABLE open_withdrawals (
    id                     INTEGER PRIMARY KEY,
    entry_id               INTEGER NOT NULL REFERENCES catalog_entries (id),
    provider_department_id INTEGER NOT NULL REFERENCES departments (id),
    reason                 TEXT NOT NULL,
    state                  TEXT NOT NULL,          -- pending | approved | rejected | withdrawn
    workflow_id            INTEGER REFERENCES workflow_instances (id),
    provincial_filing      TEXT NOT NULL DEFAULT '', -- HLJ-35: the filing with the province, as recorded
    requested_by           TEXT NOT NULL,
    requested_at           INTEGER NOT NULL,
    decided_at             INTEGER
);
CREATE INDEX open_withdrawals_entry ON open_withdrawals (entry_id, id);
CREATE INDEX open_withdrawals_notices ON open_withdrawals (state, decided_at);
-- Set when a withdrawal is approved: the entry leaves the open catalog and
-- nothing of it is served (HLJ-35).
ALTER TABLE catalog_entries ADD COLUMN open_withdrawn_at INTEGER;

-- OPN-1: every open download and API call, answered or refused: who (the
-- account and key, or the address), what, when, how many rows.
CREATE TABLE open_usage (
    id          INTEGER PRIMARY KEY,
    at          INTEGER NOT NULL,
    day         TEXT NOT NULL,
    entry_id    INTEGER NOT NULL REFERENCES catalog_entries (id),
    account_id  INTEGER REFERENCES public_accounts (id),
    api_key_id  INTEGER REFERENCES public_api_keys (id),
    grant_id    INTEGER REFERENCES open_grants (id),
    client_addr TEXT NOT NULL,
    kind        TEXT NOT NULL,                     -- download | call
    format      TEXT NOT NULL DEFAULT '',          -- csv | xlsx | json for downloads
    items       TEXT NOT NULL DEFAULT '',
    row_count   INTEGER NOT NULL DEFAULT 0,
    refused     TEXT NOT NULL DEFAULT ''           -- the error code of a refusal; '' when answered
);
CREATE INDEX open_usage_entry ON open_usage (entry_id, day);
CREATE INDEX open_usage_account ON open_usage (account_id, id);

-- The public counts: answered downloads and calls per dataset and day.
CREATE TABLE open_usage_daily (
    entry_id  INTEGER NOT NULL REFERENCES catalog_entries (id),
    day       TEXT NOT NULL,
    downloads INTEGER NOT NULL DEFAULT 0,
    calls     INTEGER NOT NULL DEFAULT 0,
    row_count INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (entry_id, day)
);

-- What the platform tells a public account (OPN-2, HLJ-43): decisions on
-- its applications, suspensions, withdrawals of data it holds. Shown on
-- its account page, and mailed when SMTP is configured (mailed_at).
CREATE TABLE public_messages (
    id         INTEGER PRIMARY KEY,
    account_id INTEGER NOT NULL REFERENCES public_accounts (id),
    kind       TEXT NOT NULL,
    subject_zh TEXT NOT NULL,
    subject_en TEXT NOT NULL,
    body_zh    TEXT NOT NULL,
    body_en    TEXT NOT NULL,
    link       TEXT NOT NULL DEFAULT '',   -- a portal path, e.g. /portal/account/applications/12
    created_at INTEGER NOT NULL,
    read_at    INTEGER,
    mailed_at  INTEGER
);
CREATE INDEX public_messages_account ON public_messages (account_id, id);
CREATE INDEX public_messages_unmailed ON public_messages (mailed_at) WHERE mailed_at IS NULL;

-- +goose Down
DROP TABLE public_messages;
DROP TABLE open_usage_daily;
DROP TABLE open_usage;
ALTER TABLE catalog_entries DROP COLUMN open_withdrawn_at;
DROP TABLE open_withdrawals;
DROP TABLE open_grants;
DROP TABLE open_applications;
DROP TABLE public_api_keys;
DROP TABLE public_sessions;
DROP TABLE public_confirmations;
DROP TABLE public_accounts;
