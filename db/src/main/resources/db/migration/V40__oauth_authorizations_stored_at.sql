-- When the database stored each grant, by the database's clock. created_at is the issuing
-- node's clock (the framework's times are the node's), and the back-channel logout outbox
-- compares a grant's time with the moment a client was told of a session's end, which is
-- the database's: a grant issued just after a logout by a node whose clock is behind
-- looked older than that moment, and the client's new session was never told of its end.
-- A default that is not volatile: added without rewriting the table (rows from before it
-- hold the moment of this migration, later than any logout they could be compared with).
ALTER TABLE oauth_authorizations ADD COLUMN stored_at TIMESTAMPTZ NOT NULL DEFAULT now();
