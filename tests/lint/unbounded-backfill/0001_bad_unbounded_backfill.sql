-- migrate:expand
ALTER TABLE messages ADD COLUMN body_text text;
ALTER TABLE messages ADD COLUMN sent_on date;

-- migrate:backfill
UPDATE messages SET body_text = body->>'text'; -- expect: unbounded-backfill

-- migrate:backfill table:messages
UPDATE messages SET sent_on = created_at::date WHERE $1::bigint > 0 AND id <= $2; -- expect: unbounded-backfill

-- migrate:backfill table:messages key:id
UPDATE messages SET sent_on = created_at::date WHERE created_at BETWEEN $1 AND $2; -- expect: unbounded-backfill

-- migrate:contract
ALTER TABLE messages DROP COLUMN body;
