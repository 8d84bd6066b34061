-- Indexes the scheduled purges walk, oldest first, a short statement at a time: without
-- them each purge statement read its table whole, and on a busy deployment's grant table
-- (a row per client_credentials token, kept a week) the purge fell behind what was issued.
--
-- A plain CREATE INDEX holds off writes to its table while it builds: seconds on most
-- deployments, minutes on one with tens of millions of grants. Such a deployment builds
-- them beforehand with CREATE INDEX CONCURRENTLY (the statements are in
-- docs/production-checklist.md, "Upgrading a large deployment"), and this migration then
-- finds them. (Flyway cannot build them concurrently itself: its lock is a transaction
-- that a concurrent build would wait for, and a lock held outside a transaction is not
-- safe behind PgBouncer.) A concurrent build that failed leaves an invalid index, which
-- is dropped here and built again; one still running stops the migration, saying so.
DO $$
DECLARE
    invalid RECORD;
BEGIN
    FOR invalid IN
        SELECT c.oid, c.relname FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
        WHERE NOT i.indisvalid AND c.relname IN ('oauth_authorizations_quiet_since',
            'sign_in_sessions_last_seen_at', 'revocation_outbox_created_at', 'backchannel_logouts_ended_at')
    LOOP
        -- A build still running holds a lock on its index: dropping it would wait for the
        -- build, and hold off every use of the table meanwhile.
        IF EXISTS (SELECT 1 FROM pg_locks WHERE relation = invalid.oid AND pid <> pg_backend_pid()) THEN
            RAISE EXCEPTION 'Index % is still being built (CREATE INDEX CONCURRENTLY): start Lanyard again once the build has ended',
                invalid.relname;
        END IF;
        EXECUTE format('DROP INDEX %I', invalid.relname);
    END LOOP;
END $$;

-- A grant is quiet since the later of its last change and its last expiry (or its
-- creation when it never held an expiring token); JdbcAuthorizationRows.QUIET_SINCE is
-- the same expression, which the purge's condition and order must repeat exactly.
CREATE INDEX IF NOT EXISTS oauth_authorizations_quiet_since ON oauth_authorizations ((greatest(updated_at,
    coalesce(greatest(code_expires_at, access_token_expires_at, refresh_token_expires_at, device_code_expires_at),
        created_at))));

CREATE INDEX IF NOT EXISTS sign_in_sessions_last_seen_at ON sign_in_sessions (last_seen_at);

CREATE INDEX IF NOT EXISTS revocation_outbox_created_at ON revocation_outbox (created_at);

CREATE INDEX IF NOT EXISTS backchannel_logouts_ended_at ON backchannel_logouts ((coalesce(delivered_at, failed_at)))
    WHERE delivered_at IS NOT NULL OR failed_at IS NOT NULL;
