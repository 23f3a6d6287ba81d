-- 0004: the laptop's sync state. The client id, the acknowledged sequence,
-- the credentials file's path and the last sync/error live in sync_state;
-- a cursor (epoch, ver) per site pulled from the hub; facts (observations,
-- step results, dispositions, notes) and conflict records mirrored from the
-- hub, with local effects written before the hub has seen them (ver 0).
CREATE TABLE sync_state (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
CREATE TABLE sync_sites (
    site      TEXT PRIMARY KEY,
    epoch     TEXT NOT NULL,
    ver       INTEGER NOT NULL,
    pulled_at TEXT NOT NULL
);
CREATE TABLE sync_facts (
    site       TEXT NOT NULL,
    entity     TEXT NOT NULL,
    entity_id  TEXT NOT NULL,
    attr       TEXT NOT NULL,
    value      TEXT NOT NULL,
    disputed   INTEGER NOT NULL DEFAULT 0,
    updated_by TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    ver        INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (site, entity, entity_id, attr)
);
CREATE TABLE sync_conflicts (
    id           TEXT PRIMARY KEY,
    site         TEXT NOT NULL,
    kind         TEXT NOT NULL,
    entity       TEXT NOT NULL,
    entity_id    TEXT NOT NULL,
    status       TEXT NOT NULL,
    detail       TEXT NOT NULL,
    opened_at    TEXT NOT NULL,
    resolved_by  TEXT NOT NULL DEFAULT '',
    resolution   TEXT NOT NULL DEFAULT '',
    ver          INTEGER NOT NULL,
    local_status TEXT NOT NULL DEFAULT ''
);
CREATE INDEX sync_conflicts_open ON sync_conflicts (status, site);
