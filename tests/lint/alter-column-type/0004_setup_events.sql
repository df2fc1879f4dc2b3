-- migrate:up
CREATE TABLE events (
  id bigint PRIMARY KEY,
  happened_at timestamp,
  seen_at timestamp,
  created_at timestamp,
  code varchar(10)
);
CREATE INDEX events_seen_idx ON events (seen_at);

-- migrate:down
DROP TABLE events;
