-- Issue 25 point 6 with issue 29: a position reopened to replace its phone
-- is dark again in a visit of its own, judged against the target on its
-- own. dark_seconds and dark_since are the latest visit's (what is dark
-- now); dark_earlier (seconds) is the longest earlier visit, so that the
-- worst stays the worst in progress. Written by the derivation only.
ALTER TABLE positions ADD COLUMN dark_earlier INTEGER NOT NULL DEFAULT 0;
