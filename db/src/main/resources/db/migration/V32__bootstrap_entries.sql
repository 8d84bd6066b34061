-- What the bootstrap file said of each entry when it was last applied, as a keyed digest
-- (HMAC-SHA256 under a key derived from the master key: the file holds passwords and
-- client secrets, and an unkeyed hash of an entry would let anyone reading this table try
-- guesses offline). An entry whose digest is unchanged is not applied again, so what an
-- administrator changed in the console since (a disabled account, a new client secret)
-- survives a restart; an entry changed in the file is applied at the next start.
CREATE TABLE bootstrap_entries (
    kind       TEXT        NOT NULL CHECK (kind IN ('user', 'client', 'identity_provider')),
    name       TEXT        NOT NULL,
    digest     BYTEA       NOT NULL,
    applied_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (kind, name)
);
