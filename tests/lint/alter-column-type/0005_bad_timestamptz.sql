-- Class 3: timestamp → timestamptz rewrites unless the session time zone is UTC; under UTC
-- it still rebuilds the indexes on the column.
-- migrate:up
ALTER TABLE events ALTER COLUMN happened_at TYPE timestamptz; -- expect: alter-column-type
SET timezone = 'UTC';
ALTER TABLE events ALTER COLUMN seen_at TYPE timestamp with time zone; -- expect: alter-column-type

-- migrate:down
SELECT 1;
