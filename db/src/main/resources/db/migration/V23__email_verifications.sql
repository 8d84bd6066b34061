-- E-mail verification links: the SHA-256 of the token, never the token; for the address
-- they were sent to only; good once, for 24 hours.
CREATE TABLE email_verifications (
    token_hash  VARCHAR(64)  PRIMARY KEY,
    user_id     UUID         NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    email       VARCHAR(320) NOT NULL,
    created_at  TIMESTAMPTZ  NOT NULL DEFAULT now(),
    expires_at  TIMESTAMPTZ  NOT NULL,
    used_at     TIMESTAMPTZ
);
CREATE INDEX email_verifications_user_id ON email_verifications (user_id);
CREATE INDEX email_verifications_expires_at ON email_verifications (expires_at);
