-- migrate:expand
ALTER TABLE messages ADD COLUMN body_text text;

-- migrate:backfill
UPDATE messages SET body_text = body->>'text' -- expect: backfill-no-progress
WHERE id IN (SELECT id FROM messages LIMIT 5000);

-- migrate:contract
ALTER TABLE messages DROP COLUMN body;
