-- A transactional section may not hold transaction control at all (tide refuses the file);
-- in a transaction:false section it is allowed, and lint still flags it.
-- migrate:up transaction:false
BEGIN; -- expect: transaction-control
ALTER TABLE users ADD COLUMN nickname text;
COMMIT; -- expect: transaction-control

-- migrate:down
ALTER TABLE users DROP COLUMN nickname;
