-- 0001 (PostgreSQL): people, laptops, tokens, sites with their version, the
-- hub's state tables (every row carries the site version that wrote it),
-- the op journal and stored snapshots. Times are Unix seconds.
CREATE TABLE users (
    name       TEXT PRIMARY KEY,
    role       TEXT NOT NULL CHECK (role IN ('engineer','supervisor','admin')),
    sites      TEXT NOT NULL DEFAULT '',
    created_at BIGINT NOT NULL,
    revoked_at BIGINT
);
CREATE TABLE enrol_codes (
    code_hash  TEXT PRIMARY KEY,
    user_name  TEXT NOT NULL REFERENCES users(name),
    expires_at BIGINT NOT NULL,
    used_at    BIGINT
);
CREATE TABLE clients (
    client_id  TEXT PRIMARY KEY,
    user_name  TEXT NOT NULL REFERENCES users(name),
    host       TEXT NOT NULL DEFAULT '',
    last_seq   BIGINT NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL,
    last_seen  BIGINT,
    revoked_at BIGINT
);
CREATE TABLE tokens (
    token_hash TEXT PRIMARY KEY,
    kind       TEXT NOT NULL CHECK (kind IN ('access','refresh')),
    client_id  TEXT NOT NULL REFERENCES clients(client_id),
    user_name  TEXT NOT NULL REFERENCES users(name),
    expires_at BIGINT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX tokens_user ON tokens (user_name);
CREATE TABLE sites (
    code       TEXT PRIMARY KEY,
    name       TEXT NOT NULL,
    address    TEXT NOT NULL DEFAULT '',
    cease_date TEXT NOT NULL,
    epoch      TEXT NOT NULL,
    ver        BIGINT NOT NULL DEFAULT 0,
    row_ver    BIGINT NOT NULL DEFAULT 0
);
CREATE TABLE positions (
    site          TEXT NOT NULL REFERENCES sites(code),
    label_key     TEXT NOT NULL,
    label         TEXT NOT NULL,
    building      TEXT NOT NULL DEFAULT '',
    floor         TEXT NOT NULL DEFAULT '',
    room          TEXT NOT NULL DEFAULT '',
    role          TEXT NOT NULL,
    plan          TEXT NOT NULL,
    legacy_vendor TEXT NOT NULL,
    legacy_model  TEXT NOT NULL DEFAULT '',
    mac           TEXT NOT NULL DEFAULT '',
    extension     TEXT NOT NULL DEFAULT '',
    ddi           TEXT NOT NULL DEFAULT '',
    switch        TEXT NOT NULL DEFAULT '',
    port          TEXT NOT NULL DEFAULT '',
    target_model  TEXT NOT NULL DEFAULT '',
    notes         TEXT NOT NULL DEFAULT '',
    status        TEXT NOT NULL DEFAULT 'planned',
    status_reason TEXT NOT NULL DEFAULT '',
    updated_at    TEXT NOT NULL,
    updated_by    TEXT NOT NULL,
    ver           BIGINT NOT NULL,
    PRIMARY KEY (site, label_key)
);
CREATE INDEX positions_ver ON positions (site, ver);
CREATE TABLE facts (
    site       TEXT NOT NULL REFERENCES sites(code),
    entity     TEXT NOT NULL,
    entity_id  TEXT NOT NULL,
    attr       TEXT NOT NULL,
    value      TEXT NOT NULL,
    disputed   INTEGER NOT NULL DEFAULT 0,
    updated_by TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    ver        BIGINT NOT NULL,
    PRIMARY KEY (site, entity, entity_id, attr)
);
CREATE INDEX facts_ver ON facts (site, ver);
CREATE TABLE bindings (
    serial    TEXT PRIMARY KEY,
    site      TEXT NOT NULL,
    entity_id TEXT NOT NULL,
    op_id     TEXT NOT NULL
);
CREATE TABLE conflicts (
    id          TEXT PRIMARY KEY,
    site        TEXT NOT NULL REFERENCES sites(code),
    kind        TEXT NOT NULL,
    entity      TEXT NOT NULL,
    entity_id   TEXT NOT NULL,
    status      TEXT NOT NULL CHECK (status IN ('open','resolved')),
    detail      TEXT NOT NULL,
    opened_at   TEXT NOT NULL,
    resolved_by TEXT NOT NULL DEFAULT '',
    resolution  TEXT NOT NULL DEFAULT '',
    ver         BIGINT NOT NULL
);
CREATE INDEX conflicts_ver ON conflicts (site, ver);
CREATE TABLE op_journal (
    op_id       TEXT PRIMARY KEY,
    client_id   TEXT NOT NULL,
    client_seq  BIGINT,
    site        TEXT NOT NULL,
    kind        TEXT NOT NULL,
    entity      TEXT NOT NULL,
    entity_id   TEXT NOT NULL,
    engineer    TEXT NOT NULL,
    user_name   TEXT NOT NULL,
    observed_at TEXT NOT NULL,
    received_at BIGINT NOT NULL,
    payload     TEXT NOT NULL,
    outcome     TEXT NOT NULL,
    code        TEXT NOT NULL DEFAULT '',
    message     TEXT NOT NULL DEFAULT '',
    conflict_id TEXT NOT NULL DEFAULT '',
    site_ver    BIGINT NOT NULL DEFAULT 0,
    UNIQUE (client_id, client_seq)
);
CREATE INDEX op_journal_site ON op_journal (site, site_ver);
CREATE TABLE snapshots (
    site       TEXT NOT NULL,
    epoch      TEXT NOT NULL,
    ver        BIGINT NOT NULL,
    sha256     TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    body       BYTEA NOT NULL,
    PRIMARY KEY (site, epoch, ver)
);
