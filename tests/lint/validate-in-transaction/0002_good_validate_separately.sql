-- migrate:expand transaction:false
ALTER TABLE payments ADD CONSTRAINT payments_user_fk FOREIGN KEY (user_id) REFERENCES users (id) NOT VALID;
ALTER TABLE payments VALIDATE CONSTRAINT payments_user_fk;

-- migrate:down
ALTER TABLE payments DROP CONSTRAINT payments_user_fk;
