-- Each sign-in session of a person (its OpenID Connect sid), so the account page can show
-- where they are signed in and end one of them: a session whose row is ended is signed
-- out at its next request, on every node. last_seen_at moves at most once a minute.
CREATE TABLE sign_in_sessions (
    sid          TEXT PRIMARY KEY,
    user_id      UUID NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    signed_in_at TIMESTAMPTZ NOT NULL,
    last_seen_at TIMESTAMPTZ NOT NULL,
    address      TEXT,
    device       TEXT,
    ended_at     TIMESTAMPTZ
);

CREATE INDEX sign_in_sessions_user ON sign_in_sessions (user_id, last_seen_at DESC);
