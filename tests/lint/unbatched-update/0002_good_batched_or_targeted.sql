-- migrate:expand
ALTER TABLE accounts ADD COLUMN active boolean;
UPDATE settings SET value = 'on' WHERE key = 'signup';
CREATE TABLE plans (id bigint, name text);
INSERT INTO plans VALUES (1, 'free');
UPDATE plans SET name = 'basic';

-- migrate:backfill table:accounts
UPDATE accounts SET active = true WHERE id BETWEEN $1 AND $2;

-- migrate:contract
SELECT 1;
