-- 0001: sites, positions with their status history, imports, and the op log.
CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE sites (
    code       TEXT PRIMARY KEY,
    name       TEXT NOT NULL,
    address    TEXT NOT NULL DEFAULT '',
    cease_date TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL
);

CREATE TABLE positions (
    id            INTEGER PRIMARY KEY,
    site          TEXT NOT NULL REFERENCES sites(code),
    label         TEXT NOT NULL,
    building      TEXT NOT NULL DEFAULT '',
    floor         TEXT NOT NULL DEFAULT '',
    room          TEXT NOT NULL DEFAULT '',
    role          TEXT NOT NULL CHECK (role IN ('front_counter','custody_suite','reception','door_access','ct_ops_ptt','hot_desk','meeting_room','personal','other')),
    plan          TEXT NOT NULL CHECK (plan IN ('avaya_fixed','avaya_ptt','teams_ddi','remove')),
    legacy_vendor TEXT NOT NULL CHECK (legacy_vendor IN ('cisco','mitel','other')),
    legacy_model  TEXT NOT NULL DEFAULT '',
    mac           TEXT NOT NULL DEFAULT '',
    extension     TEXT NOT NULL DEFAULT '',
    ddi           TEXT NOT NULL DEFAULT '',
    switch        TEXT NOT NULL DEFAULT '',
    port          TEXT NOT NULL DEFAULT '',
    target_model  TEXT NOT NULL DEFAULT '',
    notes         TEXT NOT NULL DEFAULT '',
    status        TEXT NOT NULL DEFAULT 'planned' CHECK (status IN ('planned','discovered','in_progress','done','failed','blocked','withdrawn')),
    status_reason TEXT NOT NULL DEFAULT '',
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL,
    updated_by    TEXT NOT NULL,
    UNIQUE (site, label)
);

-- Positions are never deleted: a position the plan drops is withdrawn.
CREATE TRIGGER positions_never_deleted BEFORE DELETE ON positions
BEGIN
    SELECT RAISE(ABORT, 'positions are never deleted; withdraw them instead');
END;

CREATE TABLE status_history (
    id          INTEGER PRIMARY KEY,
    position_id INTEGER NOT NULL REFERENCES positions(id),
    at          TEXT NOT NULL,
    engineer    TEXT NOT NULL,
    from_status TEXT NOT NULL,
    to_status   TEXT NOT NULL,
    reason      TEXT NOT NULL DEFAULT ''
);
CREATE INDEX status_history_position ON status_history (position_id, id);

CREATE TABLE imports (
    id        INTEGER PRIMARY KEY,
    at        TEXT NOT NULL,
    engineer  TEXT NOT NULL,
    file      TEXT NOT NULL,
    sha256    TEXT NOT NULL,
    site      TEXT NOT NULL REFERENCES sites(code),
    added     INTEGER NOT NULL,
    changed   INTEGER NOT NULL,
    unchanged INTEGER NOT NULL,
    withdrawn INTEGER NOT NULL,
    kept      INTEGER NOT NULL
);

-- The op log (outbox): append-only; client_seq is gapless because a rolled
-- back transaction also rolls back sqlite_sequence.
CREATE TABLE oplog (
    client_seq  INTEGER PRIMARY KEY AUTOINCREMENT,
    op_id       TEXT NOT NULL UNIQUE,
    site        TEXT NOT NULL,
    kind        TEXT NOT NULL,
    entity      TEXT NOT NULL,
    entity_id   TEXT NOT NULL,
    engineer    TEXT NOT NULL,
    observed_at TEXT NOT NULL,
    payload     TEXT NOT NULL,
    state       TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending','acked','conflict','rejected')),
    server_ver  INTEGER,
    result      TEXT
);
CREATE INDEX oplog_pending ON oplog (state, client_seq);
