-- Class 1: an object dropped and created again in the same migration is replaced, not removed.
-- migrate:expand
DROP VIEW IF EXISTS active_users;
CREATE VIEW active_users AS SELECT id FROM users WHERE active;
DROP MATERIALIZED VIEW order_totals;
CREATE MATERIALIZED VIEW order_totals AS SELECT user_id, count(*) FROM orders GROUP BY user_id;
ALTER TABLE orders DROP CONSTRAINT orders_status_check;
ALTER TABLE orders ADD CONSTRAINT orders_status_check CHECK (status <> '') NOT VALID;
ALTER TABLE payments DROP CONSTRAINT payments_amount_check,
  ADD CONSTRAINT payments_amount_check CHECK (amount >= 0) NOT VALID;

-- migrate:contract
SELECT 1;
