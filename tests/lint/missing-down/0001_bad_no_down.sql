-- expect-below: missing-down
-- migrate:up
CREATE TABLE coupons (id bigint PRIMARY KEY, code text);
