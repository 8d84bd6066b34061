-- A consent belongs to its client: deleting the client deleted its grants but left its
-- consents behind for ever. Those left behind go, and from now on they go with the client.
DELETE FROM oauth2_authorization_consent c
WHERE NOT EXISTS (SELECT 1 FROM oauth_clients o WHERE o.id = c.registered_client_id);

ALTER TABLE oauth2_authorization_consent
    ADD CONSTRAINT oauth2_authorization_consent_client FOREIGN KEY (registered_client_id)
        REFERENCES oauth_clients (id) ON DELETE CASCADE;
