-- migrate:expand
ALTER TABLE orders ADD CONSTRAINT orders_user_fk FOREIGN KEY (user_id) REFERENCES users (id); -- expect: constraint-not-valid
ALTER TABLE orders ADD CONSTRAINT orders_total_positive CHECK (total > 0); -- expect: constraint-not-valid
ALTER TABLE orders ADD COLUMN coupon_id bigint DEFAULT 1 REFERENCES coupons (id); -- expect: constraint-not-valid

-- migrate:down
ALTER TABLE orders DROP COLUMN coupon_id;
ALTER TABLE orders DROP CONSTRAINT orders_total_positive;
ALTER TABLE orders DROP CONSTRAINT orders_user_fk;
