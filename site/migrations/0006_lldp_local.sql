-- 0006: what a switch says of itself in LLDP, for Teams emergency
-- locations (the LIS keys a switch by its chassis ID and a port by the
-- port ID the switch advertises). Kept as discovery read them: the chassis
-- ID per switch of a discovery, the port ID per port; a subtype of 0 and
-- an empty ID mean the switch did not give it.
ALTER TABLE discovery_switches ADD COLUMN chassis_id TEXT NOT NULL DEFAULT '';
ALTER TABLE discovery_switches ADD COLUMN chassis_id_subtype INTEGER NOT NULL DEFAULT 0;

CREATE TABLE discovery_ports (
    discovery_id    INTEGER NOT NULL REFERENCES discoveries(id),
    switch          TEXT NOT NULL,
    port            TEXT NOT NULL,
    if_index        INTEGER NOT NULL DEFAULT 0,
    port_id         TEXT NOT NULL DEFAULT '',
    port_id_subtype INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (discovery_id, switch, port)
);
