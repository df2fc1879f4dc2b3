-- migrate:expand
ALTER TABLE users ADD COLUMN full_name text;
CREATE TABLE draft_bills (id bigint);
ALTER TABLE draft_bills RENAME TO pending_bills;

-- migrate:backfill table:users
UPDATE users SET full_name = name WHERE id BETWEEN $1 AND $2;

-- migrate:contract
ALTER TABLE users DROP COLUMN name;
