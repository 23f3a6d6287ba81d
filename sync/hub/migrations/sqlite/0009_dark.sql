-- Issue 29: the continuity of critical positions, kept beside each
-- position's derived state so that progress and the report can give each
-- site's worst and median dark minutes as grouped queries. From
-- runbook.DarkTime, written by the derivation only: critical (1 when the
-- role and plan make it so), dark_target (seconds), dark_seconds (closed
-- dark periods, in seconds) and dark_since (the open period's start, RFC
-- 3339; '' when not dark now). Every position with field work is derived
-- again at the next start to fill them.
ALTER TABLE positions ADD COLUMN critical INTEGER NOT NULL DEFAULT 0;
ALTER TABLE positions ADD COLUMN dark_target INTEGER NOT NULL DEFAULT 0;
ALTER TABLE positions ADD COLUMN dark_seconds INTEGER NOT NULL DEFAULT 0;
ALTER TABLE positions ADD COLUMN dark_since TEXT NOT NULL DEFAULT '';
INSERT INTO derive_pending (site, label_key)
    SELECT DISTINCT site, lower(entity_id) FROM op_journal
    WHERE entity = 'position' AND kind IN ('step.result.v1', 'step.correction.v1') AND outcome <> 'rejected'
    ON CONFLICT DO NOTHING;
