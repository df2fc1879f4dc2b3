-- migrate:expand
-- expect-below: invalid-allow
-- tide:allow drop-in-expand
ALTER TABLE users DROP COLUMN legacy_flag; -- expect: drop-in-expand
-- expect-below: invalid-allow
-- tide:allow no-such-rule because it sounded right
ALTER TABLE users ADD COLUMN nickname text;
-- expect-below: invalid-allow
-- tide:allow because nothing
ALTER TABLE users ADD COLUMN title text;

-- migrate:contract
SELECT 1;
