-- IF NOT EXISTS of an index an earlier migration built is a no-op; a DROP INDEX right
-- before dropping its table adds nothing to the DROP TABLE.
-- migrate:expand
CREATE INDEX IF NOT EXISTS orders_created_idx ON orders (created_at);

-- migrate:contract
DROP INDEX coupons_code_idx;
DROP TABLE coupons;
