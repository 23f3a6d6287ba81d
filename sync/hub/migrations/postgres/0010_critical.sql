-- Issue 29: a position's criticality as the inventory sets it, part of the
-- plan the hub owns and laptops pull: planned_critical (the inventory's
-- critical column: 'yes' or 'no'; '' keeps the role's default; named apart
-- from 0009's derived critical, which says what the rule made of it) and
-- max_dark_minutes (the dark-time target in minutes; 0 keeps the default).
-- runbook.CriticalFor reads them; the derived critical and dark_target
-- follow them when the position is derived.
ALTER TABLE positions ADD COLUMN planned_critical TEXT NOT NULL DEFAULT '' CHECK (planned_critical IN ('', 'yes', 'no'));
ALTER TABLE positions ADD COLUMN max_dark_minutes INTEGER NOT NULL DEFAULT 0 CHECK (max_dark_minutes BETWEEN 0 AND 240);
