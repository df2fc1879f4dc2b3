-- migrate:expand transaction:false
CREATE INDEX CONCURRENTLY IF NOT EXISTS payments_created_idx ON payments (created_at);
DROP INDEX CONCURRENTLY IF EXISTS payments_status_idx;
REINDEX INDEX CONCURRENTLY payments_user_idx;

-- migrate:down transaction:false
DROP INDEX CONCURRENTLY IF EXISTS payments_created_idx;
