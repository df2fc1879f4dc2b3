-- migrate:expand
-- tide:allow drop-in-expand because no release has read audit_log_old since 2024
DROP TABLE audit_log_old;
ALTER TABLE orders DROP COLUMN legacy_note; -- tide:allow drop-in-expand because written, never read
-- Several rules, comma-separated, for one statement:
-- tide:allow index-concurrently, drop-in-expand because orders_archive is empty until the switch
CREATE INDEX orders_archive_idx ON orders_archive (id);

-- migrate:contract
SELECT 1;
