-- 0006 (issue 26): access over a working life.
-- A revoked token is kept, marked, so its laptop is told it was revoked
-- (not taken for a guess); a refresh token is rotated on every use and the
-- old one kept, marked, so its reuse is seen as a suspected copy.
ALTER TABLE tokens ADD COLUMN revoked_at BIGINT;
ALTER TABLE tokens ADD COLUMN revoked_why TEXT NOT NULL DEFAULT '';
ALTER TABLE tokens ADD COLUMN rotated_at BIGINT;
CREATE INDEX tokens_client ON tokens (client_id);
-- What a revoked laptop said it holds when it was refused: its highest op
-- sequence (header X-Cutover-Local-Seq) and when; `hub user list` shows a
-- laptop whose local sequence is past what the hub acknowledged.
ALTER TABLE clients ADD COLUMN local_seq BIGINT NOT NULL DEFAULT 0;
ALTER TABLE clients ADD COLUMN refused_at BIGINT;
-- The hub's name: one for every process serving this database. A laptop's
-- credentials carry it, so any process behind the same name serves it.
CREATE TABLE hub_identity (
    id   INTEGER PRIMARY KEY CHECK (id = 1),
    name TEXT NOT NULL
);
INSERT INTO hub_identity (id, name) VALUES (1, 'hub-' || substr(md5(random()::text || clock_timestamp()::text), 1, 16));
