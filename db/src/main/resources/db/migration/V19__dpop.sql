-- A client that always uses DPoP for token requests (RFC 9449 section 5.2,
-- dpop_bound_access_tokens): a token request from it without a DPoP proof is refused, so
-- its access tokens are always bound to its key.
ALTER TABLE oauth_clients ADD COLUMN dpop_bound_access_tokens BOOLEAN NOT NULL DEFAULT FALSE;

-- DPoP proofs already used (RFC 9449 section 11.1): each proof (its jti, per key) is
-- accepted once, across nodes. Shared by every node; a row can go once the proof is too old
-- to be accepted.
CREATE TABLE dpop_proof_jtis (
    jti_hash    TEXT         PRIMARY KEY,
    expires_at  TIMESTAMPTZ  NOT NULL
);
CREATE INDEX dpop_proof_jtis_expires_at ON dpop_proof_jtis (expires_at);
