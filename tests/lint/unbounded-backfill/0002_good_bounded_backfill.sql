-- migrate:expand
ALTER TABLE letters ADD COLUMN body_text text;
ALTER TABLE letters ADD COLUMN sent_on date;

-- migrate:backfill batch_sleep:20ms
UPDATE letters SET body_text = body->>'text'
WHERE id IN (SELECT id FROM letters WHERE body_text IS NULL LIMIT 5000);

-- migrate:backfill table:letters
UPDATE letters SET sent_on = created_at::date WHERE id BETWEEN $1 AND $2;

-- migrate:backfill table:letters key:id batch_size:1000
UPDATE letters SET sent_on = created_at::date WHERE id >= $1 AND id <= $2 AND sent_on IS NULL;

-- migrate:contract
ALTER TABLE letters DROP COLUMN body;
