-- +goose Up
-- SHR-6: each day's calls of a credential with a grant, counted in the
-- transaction of each call's audit record; the day is the deployment's.
CREATE TABLE grant_usage_daily (
    grant_id      INTEGER NOT NULL REFERENCES grants (id),
    credential_id INTEGER NOT NULL REFERENCES credentials (id),
    day           TEXT NOT NULL,
    calls         INTEGER NOT NULL DEFAULT 0,
    rows_served   INTEGER NOT NULL DEFAULT 0,
    refused       INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (grant_id, credential_id, day)
);
CREATE INDEX grant_usage_daily_day ON grant_usage_daily (day);

-- SHR-6, HLJ-27: flags the monitoring raises on grants: idle (rectified
-- by a date or the grant is suspended) and unusual volume.
CREATE TABLE grant_flags (
    id            INTEGER PRIMARY KEY,
    grant_id      INTEGER NOT NULL REFERENCES grants (id),
    kind          TEXT NOT NULL,
    credential_id INTEGER,
    detail_zh     TEXT NOT NULL,
    detail_en     TEXT NOT NULL,
    raised_at     INTEGER NOT NULL,
    rectify_by    TEXT,
    state         TEXT NOT NULL,
    resolved_at   INTEGER,
    resolved_by   TEXT NOT NULL DEFAULT '',
    resolution    TEXT NOT NULL DEFAULT '',
    -- one volume flag a day per credential and grant
    dedupe        TEXT NOT NULL UNIQUE
);
CREATE INDEX grant_flags_grant ON grant_flags (grant_id, id);
CREATE INDEX grant_flags_open ON grant_flags (state, kind);

-- +goose Down
DROP TABLE grant_flags;
DROP TABLE grant_usage_daily;
