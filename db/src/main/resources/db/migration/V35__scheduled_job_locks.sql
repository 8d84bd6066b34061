-- Which node runs a scheduled clean-up of the shared tables, and until when (ShedLock's
-- table, in the shape its JDBC provider documents for PostgreSQL): a purge runs on one
-- node per period, not on every node at once, where the nodes would only wait on each
-- other's row locks. Times are the database's own (UTC), never a node's clock.
CREATE TABLE scheduled_job_locks (
    name       VARCHAR(64)  PRIMARY KEY,
    lock_until TIMESTAMP    NOT NULL,
    locked_at  TIMESTAMP    NOT NULL,
    locked_by  VARCHAR(255) NOT NULL
);
