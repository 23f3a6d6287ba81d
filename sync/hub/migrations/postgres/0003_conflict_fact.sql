-- 0003: a conflict is about one disputed fact of its entity (step:KEY,
-- installed:KIND, disposition, an observed attribute…): two disputes on one
-- position are two conflicts, and resolving one leaves the other open.
ALTER TABLE conflicts ADD COLUMN fact TEXT NOT NULL DEFAULT '';
CREATE INDEX conflicts_fact ON conflicts (site, entity, entity_id, fact);
