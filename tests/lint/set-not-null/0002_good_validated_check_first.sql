-- migrate:expand
CREATE TABLE drafts (id bigint, body text);
ALTER TABLE drafts ALTER COLUMN body SET NOT NULL;

-- Each statement commits on its own: the CHECK is added without a scan, validated without
-- blocking writes, and then proves SET NOT NULL without another scan (PostgreSQL 12+).
-- migrate:contract transaction:false
ALTER TABLE orders ADD CONSTRAINT orders_total_not_null CHECK (total IS NOT NULL) NOT VALID;
ALTER TABLE orders VALIDATE CONSTRAINT orders_total_not_null;
ALTER TABLE orders ALTER COLUMN total SET NOT NULL;
ALTER TABLE orders DROP CONSTRAINT orders_total_not_null;
