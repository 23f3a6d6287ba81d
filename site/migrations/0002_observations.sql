-- 0002: discovery observations. Each `cutover discover --site` run is one
-- discovery; every phone it saw is a timed observation, and each planned
-- position gets the run's verdict (matched, moved, missing, unchecked).
-- Append-only: a later run adds rows, the latest verdict wins. No secret
-- (community, passphrase) is ever stored.

CREATE TABLE discoveries (
    id        INTEGER PRIMARY KEY,
    site      TEXT NOT NULL REFERENCES sites(code),
    at        TEXT NOT NULL,
    engineer  TEXT NOT NULL,
    switches  INTEGER NOT NULL,
    failed    INTEGER NOT NULL
);
CREATE INDEX discoveries_site ON discoveries (site, id);

-- One row per switch read in a discovery; error is '' when it answered.
CREATE TABLE discovery_switches (
    discovery_id INTEGER NOT NULL REFERENCES discoveries(id),
    switch       TEXT NOT NULL,
    sys_name     TEXT NOT NULL DEFAULT '',
    error        TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (discovery_id, switch)
);

-- Every phone seen. position_id is set when the phone was reconciled with a
-- planned position (outcome matched or moved).
CREATE TABLE observations (
    id           INTEGER PRIMARY KEY,
    discovery_id INTEGER NOT NULL REFERENCES discoveries(id),
    site         TEXT NOT NULL REFERENCES sites(code),
    at           TEXT NOT NULL,
    switch       TEXT NOT NULL,
    sys_name     TEXT NOT NULL DEFAULT '',
    port         TEXT NOT NULL DEFAULT '',
    if_index     INTEGER NOT NULL DEFAULT 0,
    mac          TEXT NOT NULL DEFAULT '',
    ip           TEXT NOT NULL DEFAULT '',
    name         TEXT NOT NULL DEFAULT '',
    vendor       TEXT NOT NULL DEFAULT '',
    model        TEXT NOT NULL DEFAULT '',
    serial       TEXT NOT NULL DEFAULT '',
    firmware     TEXT NOT NULL DEFAULT '',
    voice_vlan   INTEGER NOT NULL DEFAULT 0,
    access_vlan  INTEGER NOT NULL DEFAULT 0,
    poe_class    INTEGER,
    poe_mw       INTEGER,
    sources      TEXT NOT NULL DEFAULT '',
    evidence     TEXT NOT NULL DEFAULT '',
    position_id  INTEGER REFERENCES positions(id),
    outcome      TEXT NOT NULL CHECK (outcome IN ('matched', 'moved', 'unexpected'))
);
CREATE INDEX observations_site_mac ON observations (site, mac);
CREATE INDEX observations_discovery ON observations (discovery_id);

-- The verdict of each discovery for each planned position; for moved
-- positions, where the phone was actually seen.
CREATE TABLE position_verdicts (
    discovery_id    INTEGER NOT NULL REFERENCES discoveries(id),
    position_id     INTEGER NOT NULL REFERENCES positions(id),
    outcome         TEXT NOT NULL CHECK (outcome IN ('matched', 'moved', 'missing', 'unchecked')),
    observed_switch TEXT NOT NULL DEFAULT '',
    observed_port   TEXT NOT NULL DEFAULT '',
    observed_mac    TEXT NOT NULL DEFAULT '',
    at              TEXT NOT NULL,
    engineer        TEXT NOT NULL,
    PRIMARY KEY (discovery_id, position_id)
);
CREATE INDEX position_verdicts_position ON position_verdicts (position_id, discovery_id);
