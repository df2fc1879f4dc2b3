-- Class 1: dropping an index to create it again is a replacement (the DROP is not reported),
-- but the new index is judged on its own: without CONCURRENTLY it blocks writes.
-- Class 4: CREATE TABLE IF NOT EXISTS of a table an earlier migration made finds it there,
-- full of rows.
-- migrate:up
DROP INDEX orders_user_idx;
CREATE INDEX orders_user_idx ON orders (user_id, created_at); -- expect: index-concurrently
CREATE TABLE IF NOT EXISTS coupons (id bigint, code text);
CREATE INDEX coupons_id_idx ON coupons (id); -- expect: index-concurrently

-- migrate:down
SELECT 1;
