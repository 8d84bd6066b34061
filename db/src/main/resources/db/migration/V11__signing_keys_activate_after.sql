-- A rotation asked for before the next key was published long enough: the next key starts
-- signing at this time (once every verifier can have fetched it), not before.
ALTER TABLE signing_keys ADD COLUMN activate_after TIMESTAMPTZ;
