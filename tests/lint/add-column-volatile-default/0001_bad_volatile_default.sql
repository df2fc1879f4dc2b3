-- migrate:expand
CREATE FUNCTION pick_shard() RETURNS int LANGUAGE sql AS $$ SELECT 1 $$;
ALTER TABLE users ADD COLUMN token uuid DEFAULT gen_random_uuid(); -- expect: add-column-volatile-default
ALTER TABLE users ADD COLUMN seen_at timestamptz DEFAULT clock_timestamp(); -- expect: add-column-volatile-default
ALTER TABLE users ADD COLUMN seq bigserial; -- expect: add-column-volatile-default
ALTER TABLE users ADD COLUMN num int GENERATED ALWAYS AS IDENTITY; -- expect: add-column-volatile-default
ALTER TABLE users ADD COLUMN shard int DEFAULT pick_shard(); -- expect: add-column-volatile-default

-- migrate:down
ALTER TABLE users DROP COLUMN token, DROP COLUMN seen_at, DROP COLUMN seq, DROP COLUMN num, DROP COLUMN shard;
DROP FUNCTION pick_shard();
