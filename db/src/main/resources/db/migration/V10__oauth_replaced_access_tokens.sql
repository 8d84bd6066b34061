-- Access tokens replaced by a refresh, remembered (by hash) until they expire: a gateway may
-- still hold a JWT exchanged for one, so every later revocation of the grant names them too.
CREATE TABLE oauth_replaced_access_tokens (
    token_hash        VARCHAR(64)  PRIMARY KEY,
    authorization_id  VARCHAR(100) NOT NULL REFERENCES oauth_authorizations (id) ON DELETE CASCADE,
    expires_at        TIMESTAMPTZ  NOT NULL
);
CREATE INDEX oauth_replaced_access_tokens_authorization ON oauth_replaced_access_tokens (authorization_id);
CREATE INDEX oauth_replaced_access_tokens_expires_at ON oauth_replaced_access_tokens (expires_at);
