-- The identity provider a sign-in session's last sign-in came through (NULL: the person's
-- own credentials), so disabling or deleting the provider, or unlinking the person's
-- identity there, ends those sessions for good: checked only at each request, they went
-- on again once the provider was enabled or the identity linked again. Sessions recorded
-- by a node of an earlier version have none (refused while the provider is off, as
-- before). No index: only those rare administrative changes look rows up by it.
ALTER TABLE sign_in_sessions ADD COLUMN identity_provider TEXT;
