-- Every account now has its canonical login name (migration 8.1); it replaces the
-- lower(username) index, whose folding disagreed with the server's.
ALTER TABLE users ALTER COLUMN login_name SET NOT NULL;
CREATE UNIQUE INDEX users_login_name_key ON users (login_name);
DROP INDEX users_username_key;
