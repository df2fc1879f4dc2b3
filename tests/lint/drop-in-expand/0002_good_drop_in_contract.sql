-- migrate:expand
CREATE TABLE import_scratch (id bigint);
DROP TABLE import_scratch;

-- migrate:contract
ALTER TABLE users DROP COLUMN legacy_flag;
DROP TABLE audit_log_old;
ALTER TABLE orders DROP CONSTRAINT orders_status_check;

-- migrate:down
DROP TABLE IF EXISTS import_scratch;
