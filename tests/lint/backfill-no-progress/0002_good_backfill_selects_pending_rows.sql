-- migrate:expand
ALTER TABLE letters ADD COLUMN body_text text;

-- migrate:backfill
UPDATE letters SET body_text = body->>'text'
WHERE id IN (SELECT id FROM letters WHERE body_text IS NULL LIMIT 5000);

-- Deleting makes progress by itself:
-- migrate:backfill
DELETE FROM letter_drafts WHERE id IN (SELECT id FROM letter_drafts LIMIT 5000);

-- migrate:contract
ALTER TABLE letters DROP COLUMN body;
