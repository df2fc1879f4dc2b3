-- migrate:expand
ALTER TABLE users ADD COLUMN email_normalized text;

-- migrate:contract
ALTER TABLE users DROP COLUMN email;
ALTER TABLE users ADD COLUMN email_verified boolean; -- expect: contract-adds
CREATE TABLE email_bounces (id bigint); -- expect: contract-adds
