-- 0003: the guided swap. Runbook step results (append-only, grouped by
-- attempt), the equipment register with its history, site stock, what
-- happened to each position's numbers, and where each switch answers SNMP.

-- One row per attempt at a position's runbook; a failed or blocked position
-- that is started again gets a new attempt.
CREATE TABLE swap_attempts (
    position_id INTEGER NOT NULL REFERENCES positions(id),
    attempt     INTEGER NOT NULL,
    started_at  TEXT NOT NULL,
    started_by  TEXT NOT NULL,
    ended_at    TEXT NOT NULL DEFAULT '',
    outcome     TEXT NOT NULL DEFAULT '' CHECK (outcome IN ('', 'done', 'failed', 'blocked')),
    reason      TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (position_id, attempt)
);

-- Every recorded step result, retries included; the latest row for a step
-- in the current attempt is its state.
CREATE TABLE step_results (
    id          INTEGER PRIMARY KEY,
    position_id INTEGER NOT NULL REFERENCES positions(id),
    attempt     INTEGER NOT NULL,
    step_key    TEXT NOT NULL,
    outcome     TEXT NOT NULL CHECK (outcome IN ('pass', 'fail', 'skip')),
    value       TEXT NOT NULL DEFAULT '',
    note        TEXT NOT NULL DEFAULT '',
    evidence    TEXT NOT NULL DEFAULT '',
    engineer    TEXT NOT NULL,
    at          TEXT NOT NULL,
    FOREIGN KEY (position_id, attempt) REFERENCES swap_attempts(position_id, attempt)
);
CREATE INDEX step_results_position ON step_results (position_id, attempt, id);

CREATE TRIGGER step_results_append_only_u BEFORE UPDATE ON step_results
BEGIN
    SELECT RAISE(ABORT, 'step results are never changed; record a new result');
END;
CREATE TRIGGER step_results_append_only_d BEFORE DELETE ON step_results
BEGIN
    SELECT RAISE(ABORT, 'step results are never deleted');
END;

-- The equipment register: every legacy handset taken out and every Avaya
-- phone put in.
CREATE TABLE assets (
    id          INTEGER PRIMARY KEY,
    kind        TEXT NOT NULL CHECK (kind IN ('legacy', 'new')),
    vendor      TEXT NOT NULL DEFAULT '',
    model       TEXT NOT NULL DEFAULT '',
    serial      TEXT NOT NULL DEFAULT '',
    mac         TEXT NOT NULL DEFAULT '',
    asset_tag   TEXT NOT NULL DEFAULT '',
    site        TEXT NOT NULL REFERENCES sites(code),
    position_id INTEGER REFERENCES positions(id),
    state       TEXT NOT NULL CHECK (state IN ('in_stock', 'installed', 'removed', 'returned_to_store', 'weee_disposal', 'lost')),
    condition   TEXT NOT NULL DEFAULT '',
    wtn_ref     TEXT NOT NULL DEFAULT '',
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    updated_by  TEXT NOT NULL,
    CHECK (state <> 'weee_disposal' OR wtn_ref <> '')
);
CREATE INDEX assets_site ON assets (site, kind, state);
CREATE INDEX assets_position ON assets (position_id, kind);
-- A serial, MAC or asset tag is installed in one place only. The register
-- checks first so that the message can say where; these are the backstop.
CREATE UNIQUE INDEX assets_installed_serial ON assets (serial) WHERE state = 'installed' AND serial <> '';
CREATE UNIQUE INDEX assets_installed_mac ON assets (mac) WHERE state = 'installed' AND mac <> '';
CREATE UNIQUE INDEX assets_installed_tag ON assets (asset_tag) WHERE state = 'installed' AND asset_tag <> '';

CREATE TABLE asset_history (
    id         INTEGER PRIMARY KEY,
    asset_id   INTEGER NOT NULL REFERENCES assets(id),
    at         TEXT NOT NULL,
    engineer   TEXT NOT NULL,
    from_state TEXT NOT NULL,
    to_state   TEXT NOT NULL,
    site       TEXT NOT NULL,
    position   TEXT NOT NULL DEFAULT '',
    note       TEXT NOT NULL DEFAULT ''
);
CREATE INDEX asset_history_asset ON asset_history (asset_id, id);

-- Avaya phones issued to a site, by model; installed counts come from assets.
CREATE TABLE site_stock (
    site       TEXT NOT NULL REFERENCES sites(code),
    model      TEXT NOT NULL,
    issued     INTEGER NOT NULL CHECK (issued >= 0),
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    PRIMARY KEY (site, model)
);

-- What happened to a position's DDI and extension.
CREATE TABLE position_numbers (
    position_id  INTEGER PRIMARY KEY REFERENCES positions(id),
    site         TEXT NOT NULL,
    ddi_state    TEXT NOT NULL CHECK (ddi_state IN ('kept', 'new', 'teams', 'surrendered', 'none')),
    ddi          TEXT NOT NULL DEFAULT '',
    teams_ddi    TEXT NOT NULL DEFAULT '',
    extension    TEXT NOT NULL DEFAULT '',
    ext_state    TEXT NOT NULL DEFAULT '' CHECK (ext_state IN ('', 'kept', 'surrendered')),
    updated_at   TEXT NOT NULL,
    updated_by   TEXT NOT NULL
);
CREATE INDEX position_numbers_site ON position_numbers (site, ddi_state);

-- Where each of a site's switches answers SNMP (host:port).
CREATE TABLE switch_addresses (
    site       TEXT NOT NULL REFERENCES sites(code),
    switch     TEXT NOT NULL COLLATE NOCASE,
    addr       TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    PRIMARY KEY (site, switch)
);
