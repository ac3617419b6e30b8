-- +goose Up
-- OPN-2: the mails to public accounts that are not messages of their inbox
-- — the confirmation link, and the notice that an address is already
-- registered. Written in the transaction that makes them, mailed after,
-- marked mailed: a crash between loses no mail (it is sent again). The
-- body holds the link's token only until it is mailed; then it is
-- cleared, so that the table keeps no live token.
CREATE TABLE public_mail (
    id         INTEGER PRIMARY KEY,
    account_id INTEGER NOT NULL REFERENCES public_accounts (id),
    kind       TEXT NOT NULL,             -- confirm | taken
    to_addr    TEXT NOT NULL,
    subject    TEXT NOT NULL,
    body       TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    next_at    INTEGER NOT NULL,          -- when it may be tried (again): the lease of a sender, the back-off
    attempts   INTEGER NOT NULL DEFAULT 0,
    last_error TEXT NOT NULL DEFAULT '',
    mailed_at  INTEGER
);
CREATE INDEX public_mail_due ON public_mail (next_at) WHERE mailed_at IS NULL;

-- The inbox's messages are mailed from their own table (mailed_at); this
-- is the lease and back-off of those sends.
ALTER TABLE public_messages ADD COLUMN mail_next_at INTEGER NOT NULL DEFAULT 0;
ALTER TABLE public_messages ADD COLUMN mail_attempts INTEGER NOT NULL DEFAULT 0;

-- +goose Down
ALTER TABLE public_messages DROP COLUMN mail_attempts;
ALTER TABLE public_messages DROP COLUMN mail_next_at;
DROP TABLE public_mail;
