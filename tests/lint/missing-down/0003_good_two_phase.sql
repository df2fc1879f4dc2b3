-- A two-phase migration is reverted by its own steps; down is optional.
-- migrate:expand
ALTER TABLE vouchers ADD COLUMN value_cents bigint;

-- migrate:contract
ALTER TABLE vouchers DROP COLUMN code;
