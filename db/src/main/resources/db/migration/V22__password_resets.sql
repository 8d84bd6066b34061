-- Password reset links: the SHA-256 of the token, never the token; good once, for 15 minutes.
CREATE TABLE password_resets (
    token_hash  VARCHAR(64) PRIMARY KEY,
    user_id     UUID        NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
    expires_at  TIMESTAMPTZ NOT NULL,
    used_at     TIMESTAMPTZ
);
CREATE INDEX password_resets_user_id ON password_resets (user_id);
CREATE INDEX password_resets_expires_at ON password_resets (expires_at);
-- Reset requests find accounts by address, in any case.
CREATE INDEX users_email_lower ON users (lower(email));
