-- Upstream identity providers people can sign in with (OpenID Connect, or plain OAuth 2.0
-- such as GitHub), and the upstream identities linked to local accounts.
CREATE TABLE identity_providers (
    id                     VARCHAR(40) PRIMARY KEY,   -- in paths: /login/federated/{id}
    display_name           VARCHAR(100) NOT NULL,
    -- OpenID Connect: the issuer (discovery); plain OAuth 2.0: the endpoints below.
    issuer                 TEXT,
    authorization_uri      TEXT,
    token_uri              TEXT,
    user_info_uri          TEXT,
    subject_attribute      VARCHAR(100),              -- plain OAuth 2.0: the user-info member naming the person
    client_id              VARCHAR(255) NOT NULL,
    client_secret_sealed   BYTEA,                     -- sealed with the master key, never in clear
    token_endpoint_auth_method VARCHAR(40),           -- none given: a secret in a Basic header, or none at all
    scopes                 TEXT[] NOT NULL DEFAULT '{}',
    link_by_verified_email BOOLEAN NOT NULL DEFAULT FALSE,
    create_users           BOOLEAN NOT NULL DEFAULT FALSE,
    default_roles          TEXT[] NOT NULL DEFAULT '{}',
    claim_mappings         JSONB NOT NULL DEFAULT '{}'::jsonb,
    trust_upstream_mfa     BOOLEAN NOT NULL DEFAULT FALSE,
    upstream_logout        BOOLEAN NOT NULL DEFAULT FALSE,   -- signing out here continues at its end-session endpoint
    enabled                BOOLEAN NOT NULL DEFAULT TRUE,
    created_at             TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at             TIMESTAMPTZ NOT NULL DEFAULT now()
);

-- An upstream identity is its provider and the upstream's subject, never an e-mail address.
CREATE TABLE federated_identities (
    provider_id  VARCHAR(40) NOT NULL REFERENCES identity_providers (id) ON DELETE CASCADE,
    subject      VARCHAR(255) NOT NULL,
    user_id      UUID NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    email        VARCHAR(320),                        -- as the upstream last said, for display
    linked_at    TIMESTAMPTZ NOT NULL DEFAULT now(),
    last_used_at TIMESTAMPTZ,
    PRIMARY KEY (provider_id, subject),
    UNIQUE (user_id, provider_id)
);

-- People provisioned from an upstream have no local password until they set one.
ALTER TABLE users ALTER COLUMN password_hash DROP NOT NULL;
