-- Issue 29: a position's criticality as the inventory sets it, part of the
-- plan: critical ('yes' or 'no'; '' keeps the role's default) and
-- max_dark_minutes (the dark-time target in minutes; 0 keeps the
-- default). runbook.CriticalFor reads them.
ALTER TABLE positions ADD COLUMN critical TEXT NOT NULL DEFAULT '' CHECK (critical IN ('', 'yes', 'no'));
ALTER TABLE positions ADD COLUMN max_dark_minutes INTEGER NOT NULL DEFAULT 0 CHECK (max_dark_minutes BETWEEN 0 AND 240);
