-- OpenID Connect Back-Channel Logout 1.0: a client may register the URL Lanyard posts a
-- logout token to when a login session it got tokens in ends (section 2.2), and whether it
-- needs the session id (sid) in it.
ALTER TABLE oauth_clients ADD COLUMN backchannel_logout_uri VARCHAR(2000);
ALTER TABLE oauth_clients ADD COLUMN backchannel_logout_session_required BOOLEAN NOT NULL DEFAULT FALSE;

-- Logout tokens to deliver, written in the transaction that ends the session's grants, so a
-- delivery survives a node restart and never holds up the person's logout. The token itself
-- is signed when it is sent. Rows are purged a day
-- after their last attempt.
CREATE TABLE backchannel_logouts (
    id                    BIGSERIAL     PRIMARY KEY,
    registered_client_id  VARCHAR(100)  NOT NULL,
    subject               VARCHAR(100)  NOT NULL,
    session_id            VARCHAR(200)  NOT NULL,
    reason                VARCHAR(100)  NOT NULL,
    attempts              INTEGER       NOT NULL DEFAULT 0,
    next_attempt_at       TIMESTAMPTZ   NOT NULL DEFAULT now(),
    delivered_at          TIMESTAMPTZ,
    failed_at             TIMESTAMPTZ,
    last_error            VARCHAR(300),
    created_at            TIMESTAMPTZ   NOT NULL DEFAULT now()
);
-- One pending delivery per client and session (a session that began again at the client
-- after a delivery may end again).
CREATE UNIQUE INDEX backchannel_logouts_pending ON backchannel_logouts (registered_client_id, session_id)
    WHERE delivered_at IS NULL AND failed_at IS NULL;
CREATE INDEX backchannel_logouts_sent ON backchannel_logouts (registered_client_id, session_id, created_at);
CREATE INDEX backchannel_logouts_due ON backchannel_logouts (next_attempt_at)
    WHERE delivered_at IS NULL AND failed_at IS NULL;
