-- Sign-in sessions begun before this moment are over: set when a person changes their
-- password (every other session ends) or an administrator signs them out everywhere.
ALTER TABLE users ADD COLUMN sign_ins_not_before TIMESTAMPTZ;
