-- 0005: a restamp is one row per entity (issue 13). When a rule leaves an
-- entity as it was (merged, superseded, a conflict that kept the first
-- value), the laptop that sent the op must get the entity's facts again;
-- that used to rewrite every fact row of the entity with the push's version
-- (and each of its indexes). Now the entity gets a stamp, and a fact's
-- version for pulls is the later of its own and its entity's stamp (notes
-- excepted, as before): see pull.go.
CREATE TABLE entity_stamps (
    site      TEXT NOT NULL REFERENCES sites(code),
    entity    TEXT NOT NULL,
    entity_id TEXT NOT NULL,
    ver       INTEGER NOT NULL,
    PRIMARY KEY (site, entity, entity_id)
);
CREATE INDEX entity_stamps_ver ON entity_stamps (site, ver);
