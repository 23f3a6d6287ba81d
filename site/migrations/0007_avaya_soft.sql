-- The avaya_soft plan (business case item 15: "apply for an Avaya hard/soft
-- phone"): the plan CHECK of positions gains it. Only a looser CHECK, so
-- every row already satisfies it: the table's definition is rewritten in
-- place (SQLite's documented way to change a constraint without rebuilding
-- the table), and the migration runner bumps the schema version after it.
PRAGMA writable_schema = ON;
UPDATE sqlite_master SET sql = replace(sql, '''avaya_ptt'',''teams_ddi''', '''avaya_ptt'',''avaya_soft'',''teams_ddi''')
    WHERE type = 'table' AND name = 'positions' AND sql NOT LIKE '%avaya_soft%';
PRAGMA writable_schema = OFF;
