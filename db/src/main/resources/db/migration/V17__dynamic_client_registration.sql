-- Dynamic client registration (RFC 7591, RFC 7592). Registration is closed but for the
-- holder of an initial access token an administrator created: good for a number of
-- registrations until it expires, stored as SHA-256 only.
CREATE TABLE client_registration_tokens (
    id           VARCHAR(36)   PRIMARY KEY,
    token_hash   VARCHAR(64)   NOT NULL UNIQUE,
    description  VARCHAR(200)  NOT NULL,
    created_by   VARCHAR(200)  NOT NULL,
    uses_left    INTEGER       NOT NULL,
    expires_at   TIMESTAMPTZ   NOT NULL,
    created_at   TIMESTAMPTZ   NOT NULL DEFAULT now()
);

-- A dynamically registered client manages its registration with its registration access
-- token (RFC 7592 section 3), stored as SHA-256 only; NULL for clients an administrator
-- registered.
ALTER TABLE oauth_clients ADD COLUMN registration_access_token_hash VARCHAR(64);
