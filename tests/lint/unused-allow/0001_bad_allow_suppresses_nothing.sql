-- migrate:expand
-- expect-below: unused-allow
-- tide:allow index-concurrently because the table is small
ALTER TABLE users ADD COLUMN nickname text;

-- migrate:down
ALTER TABLE users DROP COLUMN nickname;
