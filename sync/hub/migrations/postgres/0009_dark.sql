-- Issue 29: the continuity of critical positions, kept beside each
-- position's derived state so that progress and the report can give each
-- site's worst and median dark minutes as grouped queries. From
-- runbook.DarkTime, written by the derivation only: critical (1 when the
-- role and plan make it so), dark_target (seconds), dark_seconds (closed
-- dark periods, in seconds) and dark_since (the open period's start, RFC
-- 3339; '' when not dark now). They fill as each position is next derived
-- (its next op): positions are not all derived again at the upgrade, since
-- runbooks that gained steps since (issue 25's sign-off on every plan)
-- would turn finished positions back to in progress.
ALTER TABLE positions ADD COLUMN critical INTEGER NOT NULL DEFAULT 0;
ALTER TABLE positions ADD COLUMN dark_target INTEGER NOT NULL DEFAULT 0;
ALTER TABLE positions ADD COLUMN dark_seconds INTEGER NOT NULL DEFAULT 0;
ALTER TABLE positions ADD COLUMN dark_since TEXT NOT NULL DEFAULT '';
