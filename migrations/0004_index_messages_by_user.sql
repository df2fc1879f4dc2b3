-- The inbox query reads a user's newest messages. CREATE INDEX CONCURRENTLY does not block
-- writers, but it cannot run inside a transaction: hence transaction:false.
-- migrate:up transaction:false
CREATE INDEX CONCURRENTLY IF NOT EXISTS messages_user_created ON messages (user_id, created_at DESC);

-- migrate:down transaction:false
DROP INDEX CONCURRENTLY IF EXISTS messages_user_created;
