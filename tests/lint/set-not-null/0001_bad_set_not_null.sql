-- migrate:expand
ALTER TABLE users ADD CONSTRAINT users_phone_not_null CHECK (phone IS NOT NULL) NOT VALID;

-- migrate:contract
ALTER TABLE users ALTER COLUMN email SET NOT NULL; -- expect: set-not-null
-- The CHECK was never validated, so it proves nothing yet:
ALTER TABLE users ALTER COLUMN phone SET NOT NULL; -- expect: set-not-null
