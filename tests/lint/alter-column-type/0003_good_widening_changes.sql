-- Widening a varchar, varchar to text, more numeric precision: no rewrite.
-- migrate:up
ALTER TABLE products ALTER COLUMN title TYPE varchar(200);
ALTER TABLE products ALTER COLUMN sku TYPE text;
ALTER TABLE products ALTER COLUMN price TYPE numeric(14, 4);
CREATE TABLE coupons (code varchar(10));
ALTER TABLE coupons ALTER COLUMN code TYPE bigint USING code::bigint;

-- migrate:down
DROP TABLE coupons;
