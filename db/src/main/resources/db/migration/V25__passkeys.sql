-- Passkeys (WebAuthn), kept by Spring Security's JdbcUserCredentialRepository (its table and
-- column names). Each account gets one random WebAuthn user handle (never the account id,
-- which authenticators would keep and show); credentials hang off it.
CREATE TABLE passkey_users (
    id      VARCHAR(1000) PRIMARY KEY,              -- base64url of 32 random bytes
    user_id UUID NOT NULL UNIQUE REFERENCES users (id) ON DELETE CASCADE
);

CREATE TABLE user_credentials (
    credential_id                TEXT          PRIMARY KEY,
    user_entity_user_id          TEXT          NOT NULL REFERENCES passkey_users (id) ON DELETE CASCADE,
    public_key                   BYTEA         NOT NULL,
    signature_count              BIGINT,
    uv_initialized               BOOLEAN,
    backup_eligible              BOOLEAN       NOT NULL,
    authenticator_transports     VARCHAR(1000) NOT NULL DEFAULT '',
    public_key_credential_type   VARCHAR(100),
    backup_state                 BOOLEAN       NOT NULL,
    attestation_object           BYTEA,
    attestation_client_data_json BYTEA,
    created                      TIMESTAMPTZ   NOT NULL,
    last_used                    TIMESTAMPTZ   NOT NULL,
    label                        VARCHAR(1000) NOT NULL
);
CREATE INDEX user_credentials_user ON user_credentials (user_entity_user_id);
