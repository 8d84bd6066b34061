-- What happened, by whom: logins, admin changes, revocations. Never a secret.
CREATE TABLE audit_events (
    id          BIGSERIAL    PRIMARY KEY,
    occurred_at TIMESTAMPTZ  NOT NULL DEFAULT now(),
    actor       VARCHAR(200) NOT NULL,
    action      VARCHAR(100) NOT NULL,
    target      VARCHAR(300),
    client_ip   VARCHAR(64),
    details     JSONB        NOT NULL DEFAULT '{}'::jsonb
);
CREATE INDEX audit_events_occurred_at ON audit_events (occurred_at DESC);
CREATE INDEX audit_events_actor ON audit_events (actor);
CREATE INDEX audit_events_action ON audit_events (action);
