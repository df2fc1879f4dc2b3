-- migrate:expand
ALTER TABLE users ADD COLUMN tenant_id bigint NOT NULL; -- expect: add-column-not-null
ALTER TABLE orders
  ADD COLUMN region text NOT NULL; -- expect: add-column-not-null

-- migrate:down
ALTER TABLE users DROP COLUMN tenant_id;
ALTER TABLE orders DROP COLUMN region;
