-- Class 3: binary-coercible changes: timestamp → timestamptz under UTC (no index on the
-- column), varchar widening and varchar → text.
-- migrate:up
SET TIME ZONE 'UTC';
ALTER TABLE events ALTER COLUMN created_at TYPE timestamptz;
ALTER TABLE events ALTER COLUMN code TYPE varchar(64);
ALTER TABLE events ALTER COLUMN code TYPE text;

-- migrate:down
SELECT 1;
