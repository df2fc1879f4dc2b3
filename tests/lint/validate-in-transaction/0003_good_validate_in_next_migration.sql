-- migrate:expand
ALTER TABLE invoices ADD CONSTRAINT invoices_total_positive CHECK (total > 0) NOT VALID;

-- migrate:contract
ALTER TABLE invoices VALIDATE CONSTRAINT invoices_total_positive;
