-- migrate:up
BEGIN; -- expect: transaction-control
ALTER TABLE users ADD COLUMN nickname text;
COMMIT; -- expect: transaction-control

-- migrate:down
ALTER TABLE users DROP COLUMN nickname;
