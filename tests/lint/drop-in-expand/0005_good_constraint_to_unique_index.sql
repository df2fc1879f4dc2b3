-- A unique constraint replaced by a unique index of the same name keeps ON CONFLICT working.
-- migrate:expand transaction:false
ALTER TABLE users DROP CONSTRAINT users_email_key;
CREATE UNIQUE INDEX CONCURRENTLY users_email_key ON users (lower(email));

-- migrate:contract
SELECT 1;
