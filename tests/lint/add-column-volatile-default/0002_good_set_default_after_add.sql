-- migrate:expand
CREATE FUNCTION fixed_shard() RETURNS int LANGUAGE sql IMMUTABLE AS $$ SELECT 1 $$;
ALTER TABLE orders ADD COLUMN token uuid;
ALTER TABLE orders ALTER COLUMN token SET DEFAULT gen_random_uuid();
ALTER TABLE orders ADD COLUMN created_at timestamptz DEFAULT now();
ALTER TABLE orders ADD COLUMN shard int DEFAULT fixed_shard();
CREATE TABLE tokens (id bigserial PRIMARY KEY, value uuid DEFAULT gen_random_uuid());

-- migrate:down
DROP TABLE tokens;
ALTER TABLE orders DROP COLUMN token, DROP COLUMN created_at, DROP COLUMN shard;
DROP FUNCTION fixed_shard();
