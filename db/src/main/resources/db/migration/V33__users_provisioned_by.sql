-- The identity provider whose sign-in created an account (its username was chosen from what
-- that provider said, so by whoever controls the upstream identity), or NULL for an account
-- made here (console, API, setup, bootstrap file). The bootstrap file never takes such an
-- account over: an entry naming one would hand the file's roles to the outsider who chose
-- the name.
ALTER TABLE users ADD COLUMN provisioned_by VARCHAR(40);

-- Accounts provisioned before this column: linked at their creation (within the same minute)
-- and by a provider that creates users. An account an administrator made and its owner
-- linked that quickly is marked too, which only keeps the bootstrap file away from it.
UPDATE users u SET provisioned_by = f.provider_id
FROM federated_identities f
JOIN identity_providers p ON p.id = f.provider_id
WHERE f.user_id = u.id AND p.create_users AND f.linked_at < u.created_at + INTERVAL '1 minute';
