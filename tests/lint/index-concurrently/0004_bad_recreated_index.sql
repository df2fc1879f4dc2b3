-- Class 1: dropping an index to create it again is a replacement (the DROP is not reported),
-- but the new index is judged on its own: without CONCURRENTLY it blocks writes.
-- Class 4: CREATE TABLE IF NOT EXISTS may find the table there, full of rows.
-- migrate:up
DROP INDEX orders_user_idx;
CREATE INDEX orders_user_idx ON orders (user_id, created_at); -- expect: index-concurrently
CREATE TABLE IF NOT EXISTS invoices (id bigint PRIMARY KEY, user_id bigint);
CREATE INDEX invoices_user_idx ON invoices (user_id); -- expect: index-concurrently

-- migrate:down
SELECT 1;
