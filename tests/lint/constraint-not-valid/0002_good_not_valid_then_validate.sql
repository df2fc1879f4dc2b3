-- migrate:expand
ALTER TABLE payments ADD CONSTRAINT payments_user_fk FOREIGN KEY (user_id) REFERENCES users (id) NOT VALID;
ALTER TABLE payments ADD CONSTRAINT payments_amount_positive CHECK (amount > 0) NOT VALID;
CREATE TABLE refunds (id bigint, payment_id bigint);
ALTER TABLE refunds ADD CONSTRAINT refunds_payment_fk FOREIGN KEY (payment_id) REFERENCES payments (id);

-- migrate:contract
ALTER TABLE payments VALIDATE CONSTRAINT payments_user_fk;
ALTER TABLE payments VALIDATE CONSTRAINT payments_amount_positive;
