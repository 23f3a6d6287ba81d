-- Every step result is kept; a correction is a result of its own that
-- names the value it replaced, and a serial, MAC or asset tag recorded
-- over the register's objection carries the override flag.
ALTER TABLE step_results ADD COLUMN corrects TEXT;
ALTER TABLE step_results ADD COLUMN override INTEGER NOT NULL DEFAULT 0 CHECK (override IN (0, 1));
