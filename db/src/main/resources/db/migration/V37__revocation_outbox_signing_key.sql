-- The key a "signing_key_withdrawn" revocation is about: gateways drop only the JWTs it
-- signed, and cache none it signs afterwards (a node may sign with it until it re-reads
-- its keys). Empty for every other reason, and for withdrawals recorded before.
ALTER TABLE revocation_outbox ADD COLUMN signing_key_id VARCHAR(64);
