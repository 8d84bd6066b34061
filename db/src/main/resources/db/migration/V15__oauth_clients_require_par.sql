-- A client that must push its authorization requests first (RFC 9126 section 6,
-- require_pushed_authorization_requests): the authorization endpoint then takes only a
-- request_uri issued by the pushed authorization request endpoint for it.
ALTER TABLE oauth_clients ADD COLUMN require_pushed_authorization_requests BOOLEAN NOT NULL DEFAULT FALSE;
