-- A client whose users must sign in with a second factor (require-mfa): an authorization
-- request from it asks a person signed in with one factor for the second (a step-up).
ALTER TABLE oauth_clients ADD COLUMN require_mfa BOOLEAN NOT NULL DEFAULT FALSE;
