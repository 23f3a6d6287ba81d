-- 0008 (issue 27): a schedule per site. The planned start date
-- (YYYY-MM-DD, '' when none was given) and the wave it belongs to ('' for
-- none), beside the cease date: progress tells "not started, on plan" from
-- "late" by them.
ALTER TABLE sites ADD COLUMN start_date TEXT NOT NULL DEFAULT '';
ALTER TABLE sites ADD COLUMN wave TEXT NOT NULL DEFAULT '';
