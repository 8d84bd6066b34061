-- MigrationConnectionsTest: a migration statement that runs longer than the pool's read
-- timeout (3 s), as an index build on a large table does.
SELECT pg_sleep(4);
