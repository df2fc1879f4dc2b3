-- migrate:up
CREATE TABLE coupons (id bigint, code text);
CREATE INDEX coupons_code_idx ON coupons (code);

-- migrate:down
DROP INDEX coupons_code_idx;
DROP TABLE coupons;
