-- migrate:expand
LOCK TABLE users IN ACCESS EXCLUSIVE MODE; -- expect: lock-table
ALTER TABLE users ADD COLUMN nickname text;

-- migrate:down
ALTER TABLE users DROP COLUMN nickname;
