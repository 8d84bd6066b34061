-- OpenID Connect standard claims of a user (OpenID Connect Core §5.1) by claim name, as
-- text: given_name, birthdate, address.locality, phone_number_verified = "true", ...
-- Released to clients by scope (profile, email, address, phone).
ALTER TABLE users ADD COLUMN claims JSONB NOT NULL DEFAULT '{}'::jsonb;
