-- Token signing keys, shared by every node. The private part is encrypted with a
-- key-encryption key derived from LANYARD_MASTER_KEY (AES-256-GCM).
-- state: next (published, not yet signing), active (signing), retired (published until
-- every token it signed has expired).
CREATE TABLE signing_keys (
    kid                VARCHAR(100) PRIMARY KEY,
    algorithm          VARCHAR(20)  NOT NULL,
    state              VARCHAR(20)  NOT NULL CHECK (state IN ('next', 'active', 'retired')),
    public_jwk         TEXT         NOT NULL,
    private_key_sealed BYTEA        NOT NULL,
    created_at         TIMESTAMPTZ  NOT NULL DEFAULT now(),
    activated_at       TIMESTAMPTZ,
    retired_at         TIMESTAMPTZ
);
CREATE UNIQUE INDEX signing_keys_one_active ON signing_keys (state) WHERE state = 'active';

-- A value sealed with the master key, to tell at start-up that the configured master
-- key is the one the signing keys were sealed with.
CREATE TABLE master_key_check (
    id      INTEGER PRIMARY KEY CHECK (id = 1),
    sealed  BYTEA   NOT NULL
);
