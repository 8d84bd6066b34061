-- RFC 8628: the device authorization grant. A device authorization holds a device code
-- (the device polls with it) and a user code (the person types it at /activate), stored
-- like every token: SHA-256 hashes, never the values.
ALTER TABLE oauth_authorizations
    ADD COLUMN device_code_hash       VARCHAR(64),
    ADD COLUMN device_code_issued_at  TIMESTAMPTZ,
    ADD COLUMN device_code_expires_at TIMESTAMPTZ,
    ADD COLUMN device_code_metadata   JSONB,
    ADD COLUMN user_code_hash         VARCHAR(64),
    ADD COLUMN user_code_issued_at    TIMESTAMPTZ,
    ADD COLUMN user_code_expires_at   TIMESTAMPTZ,
    ADD COLUMN user_code_metadata     JSONB;

CREATE UNIQUE INDEX oauth_authorizations_device_code_hash ON oauth_authorizations (device_code_hash)
    WHERE device_code_hash IS NOT NULL;
-- Unique among codes still waiting for a person: a used or denied code may come again.
CREATE UNIQUE INDEX oauth_authorizations_user_code_hash ON oauth_authorizations (user_code_hash)
    WHERE user_code_hash IS NOT NULL
      AND NOT coalesce((user_code_metadata ->> 'metadata.token.invalidated')::boolean, false);
