-- Clients that authenticate with a signed assertion (private_key_jwt, RFC 7523 and OpenID
-- Connect Core section 9) register their public keys: inline as a JWK Set (RFC 7517, RFC 7591
-- "jwks") or as the URL the client publishes them at ("jwks_uri"), never both.
-- token_endpoint_auth_method (V2) now also takes client_secret_post and private_key_jwt, and a
-- client authenticates with the method it registered only. The JWK Set is kept as text in
-- the form the server wrote it (public members only), so an unchanged import compares equal.
ALTER TABLE oauth_clients ADD COLUMN jwks TEXT;
ALTER TABLE oauth_clients ADD COLUMN jwks_uri VARCHAR(2000);

-- Client assertions already used (RFC 7523 section 3: "the authorization server MAY ensure that
-- JWTs are not replayed by maintaining the set of used jti values for the length of time for
-- which the JWT would be considered valid"). Shared by every node; a row can go once the
-- assertion has expired.
CREATE TABLE client_assertion_jtis (
    client_id   VARCHAR(100) NOT NULL,
    jti         VARCHAR(200) NOT NULL,
    expires_at  TIMESTAMPTZ  NOT NULL,
    PRIMARY KEY (client_id, jti)
);
CREATE INDEX client_assertion_jtis_expiry ON client_assertion_jtis (expires_at);
