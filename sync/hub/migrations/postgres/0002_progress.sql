-- 0002 (PostgreSQL): when positions were done, for supervisors' progress (issue 7):
-- one row per move to done, written by the op that made it, dated by the
-- engineer's observation. Indexes for the progress queries.
CREATE TABLE done_log (
    site      TEXT NOT NULL,
    label_key TEXT NOT NULL,
    day       TEXT NOT NULL,
    engineer  TEXT NOT NULL,
    ver       BIGINT NOT NULL
);
CREATE INDEX done_log_day ON done_log (day, site);
CREATE INDEX positions_site_plan_status ON positions (site, plan, status);
CREATE INDEX facts_attr ON facts (attr, site);
CREATE INDEX conflicts_open ON conflicts (status, site);
