-- MigrationConnectionsTest: a migration that changes a table other sessions are using (it
-- needs the table to itself, as most ALTER TABLEs do).
ALTER TABLE users ADD COLUMN migration_test_marker INT;
