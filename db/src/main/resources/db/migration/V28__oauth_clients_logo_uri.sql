-- A client's logo (OpenID Connect Dynamic Client Registration 1.0 §2, RFC 7591 §2
-- logo_uri), shown on the login and consent pages beside its name.
ALTER TABLE oauth_clients ADD COLUMN logo_uri TEXT;
