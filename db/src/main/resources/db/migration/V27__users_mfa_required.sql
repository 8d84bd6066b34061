-- A person who must sign in with a second factor (mfa-required), whatever the client: a
-- session of theirs signed in with a password alone is asked for it (a step-up), and a person
-- without one is sent to set one up.
ALTER TABLE users ADD COLUMN mfa_required BOOLEAN NOT NULL DEFAULT FALSE;
