-- Registered OAuth clients, described with RFC 7591 metadata names where one exists.
-- Client secrets are server-generated or at least 32 characters, stored as SHA-256 only.
CREATE TABLE oauth_clients (
    id                          VARCHAR(100) PRIMARY KEY,
    client_id                   VARCHAR(100) NOT NULL UNIQUE,
    client_name                 VARCHAR(200) NOT NULL,
    client_secret_hash          VARCHAR(200),
    client_id_issued_at         TIMESTAMPTZ  NOT NULL DEFAULT now(),
    token_endpoint_auth_method  VARCHAR(50)  NOT NULL,
    redirect_uris               TEXT[]       NOT NULL DEFAULT '{}',
    post_logout_redirect_uris   TEXT[]       NOT NULL DEFAULT '{}',
    grant_types                 TEXT[]       NOT NULL DEFAULT '{}',
    scopes                      TEXT[]       NOT NULL DEFAULT '{}',
    require_pkce                BOOLEAN      NOT NULL DEFAULT TRUE,
    require_consent             BOOLEAN      NOT NULL DEFAULT FALSE,
    access_token_ttl_seconds    INTEGER      NOT NULL DEFAULT 900,
    refresh_token_idle_seconds  INTEGER      NOT NULL DEFAULT 28800,
    refresh_token_max_seconds   INTEGER      NOT NULL DEFAULT 2592000,
    exchange_audiences          TEXT[]       NOT NULL DEFAULT '{}',
    enabled                     BOOLEAN      NOT NULL DEFAULT TRUE,
    created_at                  TIMESTAMPTZ  NOT NULL DEFAULT now(),
    updated_at                  TIMESTAMPTZ  NOT NULL DEFAULT now()
);
