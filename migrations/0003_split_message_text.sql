-- Move the message text out of the jsonb document into a real column, without downtime.
--
-- expand:   add the new column (nullable: old code that does not know it keeps working);
--           the new code writes both body and body_text.
-- backfill: copy the text of existing rows in batches of 5,000, each its own short transaction.
-- contract: once every reader and writer uses body_text (after the deploy), make it required
--           and drop the old jsonb column. The CHECK is added NOT VALID and validated in its
--           own transaction (transaction:false: each statement commits on its own), so the
--           long scan holds no exclusive lock, and SET NOT NULL can then skip its scan.

-- migrate:expand lock_timeout:3s
ALTER TABLE messages ADD COLUMN body_text text;

-- migrate:backfill table:messages batch_size:5000 batch_sleep:10ms
UPDATE messages SET body_text = body->>'text'
WHERE id BETWEEN $1 AND $2 AND body_text IS NULL;

-- migrate:contract transaction:false
ALTER TABLE messages ADD CONSTRAINT messages_body_text_not_null CHECK (body_text IS NOT NULL) NOT VALID;
ALTER TABLE messages VALIDATE CONSTRAINT messages_body_text_not_null;
ALTER TABLE messages ALTER COLUMN body_text SET NOT NULL;
ALTER TABLE messages DROP CONSTRAINT messages_body_text_not_null;
ALTER TABLE messages DROP COLUMN body;

-- migrate:down
-- Reverts the expand only: once contracted, body is gone and tide refuses to go down.
ALTER TABLE messages DROP COLUMN body_text;
