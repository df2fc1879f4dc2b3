-- migrate:expand
CREATE INDEX orders_created_idx ON orders (created_at); -- expect: index-concurrently
DROP INDEX orders_status_idx; -- expect: index-concurrently
REINDEX INDEX users_email_idx; -- expect: index-concurrently

-- migrate:down
DROP INDEX orders_created_idx;
