-- migrate:expand transaction:false
CREATE UNIQUE INDEX CONCURRENTLY users_email_idx ON users (email);
ALTER TABLE users ADD CONSTRAINT users_email_key UNIQUE USING INDEX users_email_idx;
CREATE TABLE tags (id bigint, name text);
ALTER TABLE tags ADD CONSTRAINT tags_name_key UNIQUE (name);

-- migrate:down
DROP TABLE tags;
ALTER TABLE users DROP CONSTRAINT users_email_key;
