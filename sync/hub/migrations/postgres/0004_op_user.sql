-- 0004: who changed a position is the authenticated person (updated_by);
-- the laptop's own engineer name, when different, is kept beside it as a
-- label only (issue 11). The op journal already holds both per op.
ALTER TABLE positions ADD COLUMN updated_label TEXT NOT NULL DEFAULT '';
