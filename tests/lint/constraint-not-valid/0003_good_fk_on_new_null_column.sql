-- A new column without a default is NULL in every row, so PostgreSQL marks its foreign key
-- valid without checking any row (parse_utilcmd.c, transformFKConstraints).
-- migrate:expand
ALTER TABLE payments ADD COLUMN coupon_id bigint REFERENCES coupons (id);

-- migrate:down
ALTER TABLE payments DROP COLUMN coupon_id;
