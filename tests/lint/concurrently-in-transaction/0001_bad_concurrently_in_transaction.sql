-- migrate:expand
CREATE INDEX CONCURRENTLY orders_created_idx ON orders (created_at); -- expect: concurrently-in-transaction

-- migrate:down
DROP INDEX CONCURRENTLY orders_created_idx; -- expect: concurrently-in-transaction
