-- Second factors. An authenticator app (TOTP, RFC 6238): its shared secret sealed with the
-- master key; confirmed_at stays NULL until the person has typed a first code. last_used_step
-- is the 30-second step of the last code accepted: a code is good once, on every node
-- (RFC 6238 §5.2), because it is accepted only by moving this value forward.
-- consecutive_failures: wrong second factors given one after the other (NIST SP 800-63B
-- §5.2.2: at most 100, then none is accepted until an administrator resets the factors).
CREATE TABLE totp_authenticators (
    user_id              UUID        PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    sealed_secret        BYTEA       NOT NULL,
    created_at           TIMESTAMPTZ NOT NULL DEFAULT now(),
    confirmed_at         TIMESTAMPTZ,
    last_used_step       BIGINT      NOT NULL DEFAULT -1,
    consecutive_failures INT         NOT NULL DEFAULT 0
);

-- Recovery codes: the SHA-256 of each (120 random bits), never the code; each good once.
CREATE TABLE recovery_codes (
    code_hash  VARCHAR(64) PRIMARY KEY,
    user_id    UUID        NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    used_at    TIMESTAMPTZ
);
CREATE INDEX recovery_codes_user_id ON recovery_codes (user_id);
