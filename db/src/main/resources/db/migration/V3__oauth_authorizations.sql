-- One row per grant (an authorization code flow, a client_credentials issuance, ...).
-- Every token, code and state value is stored as its SHA-256 hash only: a copy of this
-- table gives an attacker nothing to present.
CREATE TABLE oauth_authorizations (
    id                        VARCHAR(100) PRIMARY KEY,
    registered_client_id      VARCHAR(100) NOT NULL,
    principal_name            VARCHAR(200) NOT NULL,
    grant_type                VARCHAR(100) NOT NULL,
    authorized_scopes         TEXT,
    attributes                JSONB        NOT NULL DEFAULT '{}'::jsonb,
    session_id                VARCHAR(100),
    state_hash                VARCHAR(64),
    code_hash                 VARCHAR(64),
    code_issued_at            TIMESTAMPTZ,
    code_expires_at           TIMESTAMPTZ,
    code_metadata             JSONB,
    access_token_hash         VARCHAR(64),
    access_token_issued_at    TIMESTAMPTZ,
    access_token_expires_at   TIMESTAMPTZ,
    access_token_metadata     JSONB,
    access_token_scopes       TEXT,
    refresh_token_hash        VARCHAR(64),
    refresh_token_issued_at   TIMESTAMPTZ,
    refresh_token_expires_at  TIMESTAMPTZ,
    refresh_token_metadata    JSONB,
    id_token_hash             VARCHAR(64),
    id_token_issued_at        TIMESTAMPTZ,
    id_token_expires_at       TIMESTAMPTZ,
    id_token_metadata         JSONB,
    -- Optimistic lock: every update names the version it read, so a single-use
    -- artifact (code, refresh token) redeemed on two nodes at once succeeds once.
    version                   BIGINT       NOT NULL DEFAULT 0,
    created_at                TIMESTAMPTZ  NOT NULL DEFAULT now(),
    updated_at                TIMESTAMPTZ  NOT NULL DEFAULT now()
);

CREATE UNIQUE INDEX oauth_authorizations_state_hash ON oauth_authorizations (state_hash) WHERE state_hash IS NOT NULL;
CREATE UNIQUE INDEX oauth_authorizations_code_hash ON oauth_authorizations (code_hash) WHERE code_hash IS NOT NULL;
CREATE UNIQUE INDEX oauth_authorizations_access_token_hash ON oauth_authorizations (access_token_hash) WHERE access_token_hash IS NOT NULL;
CREATE UNIQUE INDEX oauth_authorizations_refresh_token_hash ON oauth_authorizations (refresh_token_hash) WHERE refresh_token_hash IS NOT NULL;
CREATE UNIQUE INDEX oauth_authorizations_id_token_hash ON oauth_authorizations (id_token_hash) WHERE id_token_hash IS NOT NULL;
CREATE INDEX oauth_authorizations_principal ON oauth_authorizations (principal_name);
CREATE INDEX oauth_authorizations_client ON oauth_authorizations (registered_client_id);
CREATE INDEX oauth_authorizations_session ON oauth_authorizations (session_id) WHERE session_id IS NOT NULL;

-- Refresh tokens that were rotated away. Presenting one again is reuse
-- (RFC 9700 §4.14.2): the whole grant is revoked.
CREATE TABLE oauth_rotated_refresh_tokens (
    token_hash        VARCHAR(64)  PRIMARY KEY,
    authorization_id  VARCHAR(100) NOT NULL REFERENCES oauth_authorizations (id) ON DELETE CASCADE,
    rotated_at        TIMESTAMPTZ  NOT NULL DEFAULT now()
);
CREATE INDEX oauth_rotated_refresh_tokens_authorization ON oauth_rotated_refresh_tokens (authorization_id);
