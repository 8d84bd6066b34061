-- A client allowed to introspect access tokens issued to other clients (a resource server).
-- Without it, a client may introspect only its own access tokens.
ALTER TABLE oauth_clients ADD COLUMN introspection_allowed BOOLEAN NOT NULL DEFAULT FALSE;
