-- migrate:expand
ALTER TABLE users ADD COLUMN email_normalized text;
CREATE TABLE email_bounces (id bigint);

-- migrate:contract
ALTER TABLE users DROP COLUMN email;
CREATE OR REPLACE VIEW active_users AS SELECT id, email_normalized FROM users;
