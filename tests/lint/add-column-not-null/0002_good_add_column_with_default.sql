-- migrate:expand
ALTER TABLE users ADD COLUMN tenant_id bigint NOT NULL DEFAULT 0;
ALTER TABLE orders ADD COLUMN region text;
CREATE TABLE carts (id bigint PRIMARY KEY);
ALTER TABLE carts ADD COLUMN owner_id bigint NOT NULL;

-- migrate:down
DROP TABLE carts;
ALTER TABLE orders DROP COLUMN region;
ALTER TABLE users DROP COLUMN tenant_id;
