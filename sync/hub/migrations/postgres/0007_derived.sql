-- 0007: the hub derives each position from its evidence (issue 23). The
-- journal is read by position, the resolutions by conflict id; every
-- position claims the handsets and numbers it holds; a site remembers when
-- it was first imported (a laptop's clock before that is not believed);
-- and every position with work already journaled is derived once at the
-- next start (derive_pending).
CREATE INDEX op_journal_entity ON op_journal (site, entity, (lower(entity_id)));
CREATE INDEX op_journal_kind_entity ON op_journal (kind, entity_id);
CREATE TABLE claims (
    what      TEXT NOT NULL,
    key       TEXT NOT NULL,
    site      TEXT NOT NULL,
    label_key TEXT NOT NULL,
    kind      TEXT NOT NULL,
    by_user   TEXT NOT NULL DEFAULT '',
    handset   TEXT NOT NULL DEFAULT '', -- for an identifier (what = 'ident'): the handset it names
    state     TEXT NOT NULL DEFAULT '', -- and that handset's state
    PRIMARY KEY (what, key, site, label_key, kind)
);
CREATE INDEX claims_place ON claims (site, label_key);
ALTER TABLE sites ADD COLUMN first_import TEXT NOT NULL DEFAULT '';
CREATE TABLE derive_pending (
    site      TEXT NOT NULL,
    label_key TEXT NOT NULL,
    PRIMARY KEY (site, label_key)
);
INSERT INTO derive_pending (site, label_key)
    SELECT DISTINCT site, lower(entity_id) FROM op_journal
    WHERE entity = 'position' AND kind IN ('step.result.v1', 'step.correction.v1') AND outcome <> 'rejected';
-- What progress counts of each position's derived state, kept beside it so
-- that the figures stay grouped queries: whether its legacy DDI is
-- surrendered (runbook.SurrendersLegacyDDI, not while disputed) and where
-- its legacy handset went (returned_to_store, weee_disposal, lost; '' when
-- still in place or disputed).
ALTER TABLE positions ADD COLUMN ddi_surrendered INTEGER NOT NULL DEFAULT 0;
ALTER TABLE positions ADD COLUMN legacy_fate TEXT NOT NULL DEFAULT '';
-- and whether a standing SNMP check of it passed on facts confirmed by eye.
ALTER TABLE positions ADD COLUMN unproven INTEGER NOT NULL DEFAULT 0;
-- Conflicts the old per-op rules opened about derived facts are closed: the
-- derivation opens again, under ids of its own, every dispute that stands.
UPDATE conflicts SET status = 'resolved',
    resolution = 'superseded: the hub derives positions from their evidence (migration 0007); a dispute that still stands is open under a new id',
    ver = (SELECT s.ver + 1 FROM sites s WHERE s.code = conflicts.site)
    WHERE status = 'open' AND kind IN ('step_result_differs', 'serial_in_two_places', 'position_has_other_handset', 'disposition_differs');
UPDATE sites SET ver = ver + 1 WHERE code IN (SELECT site FROM conflicts WHERE resolution LIKE 'superseded: the hub derives%');
