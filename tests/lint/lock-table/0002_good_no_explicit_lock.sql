-- migrate:expand lock_timeout:2s
ALTER TABLE users ADD COLUMN nickname text;
CREATE TABLE staging (id bigint);
LOCK TABLE staging;

-- migrate:down
DROP TABLE staging;
ALTER TABLE users DROP COLUMN nickname;
