-- Class 1 and 4: a different name is not a replacement; IF NOT EXISTS does not make a table new.
-- migrate:expand
DROP VIEW active_users; -- expect: drop-in-expand
CREATE VIEW active_users_v2 AS SELECT id FROM users;
ALTER TABLE orders DROP CONSTRAINT orders_total_check; -- expect: drop-in-expand
ALTER TABLE orders ADD CONSTRAINT orders_total_positive CHECK (total > 0) NOT VALID;
CREATE TABLE IF NOT EXISTS accounts (id bigint PRIMARY KEY, legacy text);
ALTER TABLE accounts DROP COLUMN IF EXISTS legacy; -- expect: drop-in-expand

-- migrate:contract
SELECT 1;
