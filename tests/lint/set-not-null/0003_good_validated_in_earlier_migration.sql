-- migrate:expand
ALTER TABLE users VALIDATE CONSTRAINT users_phone_not_null;

-- migrate:contract
ALTER TABLE users ALTER COLUMN phone SET NOT NULL;
