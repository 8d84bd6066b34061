-- People who sign in through the hosted login page.
-- Passwords are stored only as encoder output ({argon2}..., {bcrypt}...), never in clear.
CREATE TABLE users (
    id            UUID PRIMARY KEY,
    username      VARCHAR(100) NOT NULL,
    email         VARCHAR(320),
    password_hash VARCHAR(500) NOT NULL,
    enabled       BOOLEAN      NOT NULL DEFAULT TRUE,
    locked        BOOLEAN      NOT NULL DEFAULT FALSE,
    roles         TEXT[]       NOT NULL DEFAULT '{}',
    attributes    JSONB        NOT NULL DEFAULT '{}'::jsonb,
    created_at    TIMESTAMPTZ  NOT NULL DEFAULT now(),
    updated_at    TIMESTAMPTZ  NOT NULL DEFAULT now()
);

-- Usernames are unique regardless of case, so "Alice" cannot shadow "alice".
CREATE UNIQUE INDEX users_username_key ON users (lower(username));
