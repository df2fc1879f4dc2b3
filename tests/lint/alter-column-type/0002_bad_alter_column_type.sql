-- migrate:up
ALTER TABLE products ALTER COLUMN id TYPE bigint; -- expect: alter-column-type
ALTER TABLE products ALTER COLUMN title TYPE varchar(20); -- expect: alter-column-type
ALTER TABLE products ALTER COLUMN price TYPE numeric(10, 4); -- expect: alter-column-type
ALTER TABLE products ALTER COLUMN sku TYPE text USING upper(sku); -- expect: alter-column-type
ALTER TABLE legacy_orders ALTER COLUMN note TYPE text; -- expect: alter-column-type

-- migrate:down
SELECT 1;
