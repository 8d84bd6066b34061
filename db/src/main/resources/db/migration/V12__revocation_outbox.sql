-- Revocations as they must reach every node's token cache and every gateway: written in the
-- transaction that revokes, then relayed (cache invalidated, message published on Redis) by
-- whichever node can reach Redis. Nothing is lost while Redis is down or cut off from the
-- revoking node. One row is one revocation message (at most 1000 token hashes).
CREATE TABLE revocation_outbox (
    id             BIGSERIAL    PRIMARY KEY,
    token_hashes   TEXT[]       NOT NULL,
    session_ids    TEXT[]       NOT NULL DEFAULT '{}',
    reason         VARCHAR(100) NOT NULL,
    -- Whether the token cache (Redis) already holds the revocation.
    cache_applied  BOOLEAN      NOT NULL,
    -- Whether the message went out on the revocation channel.
    published      BOOLEAN      NOT NULL DEFAULT FALSE,
    created_at     TIMESTAMPTZ  NOT NULL DEFAULT now()
);
CREATE INDEX revocation_outbox_pending ON revocation_outbox (id) WHERE NOT published OR NOT cache_applied;
