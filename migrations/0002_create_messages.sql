-- Messages as they came out of DynamoDB: the whole item in one jsonb document.
-- migrate:up
CREATE TABLE messages (
  id         bigserial PRIMARY KEY,
  user_id    bigint NOT NULL REFERENCES users (id),
  body       jsonb NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);

-- migrate:down
DROP TABLE messages;
