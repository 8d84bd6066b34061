-- The canonical login name (NFKC, case-folded), computed by the server: lookups,
-- uniqueness and throttling all compare it, never lower(username). Filled for existing
-- accounts by the Java migration 8.1, made unique and required by migration 9.
ALTER TABLE users ADD COLUMN login_name TEXT;
