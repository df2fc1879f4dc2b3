-- Expand runs while the old release still serves traffic: it must not remove anything.
-- migrate:expand
ALTER TABLE users DROP COLUMN legacy_flag; -- expect: drop-in-expand
DROP TABLE audit_log_old; -- expect: drop-in-expand
ALTER TABLE orders DROP CONSTRAINT orders_status_check; -- expect: drop-in-expand
TRUNCATE sessions; -- expect: drop-in-expand

-- migrate:contract
SELECT 1;
