-- Class 1: replaced concurrently; class 2: a table emptied first holds no rows to lock.
-- migrate:up transaction:false
DROP INDEX CONCURRENTLY payments_user_idx;
CREATE INDEX CONCURRENTLY payments_user_idx ON payments (user_id, created_at);

-- migrate:down transaction:false
SELECT 1;
