-- migrate:expand
ALTER TABLE users ADD COLUMN active boolean;
UPDATE users SET active = true; -- expect: unbatched-update

-- migrate:contract
DELETE FROM sessions; -- expect: unbatched-update
