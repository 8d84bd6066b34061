-- V33's marking again, for accounts created while it ran: during a rolling upgrade, nodes of
-- the version before V33 went on creating accounts from upstream sign-ins without setting
-- provisioned_by, after V33 had marked those before it. Left unmarked, the bootstrap file
-- would take such an account over (the file's roles and password for an outsider's chosen
-- name). The same rule as V33; accounts already marked stay as they are.
UPDATE users u SET provisioned_by = f.provider_id
FROM federated_identities f
JOIN identity_providers p ON p.id = f.provider_id
WHERE f.user_id = u.id AND u.provisioned_by IS NULL AND p.create_users
  AND f.linked_at < u.created_at + INTERVAL '1 minute';
