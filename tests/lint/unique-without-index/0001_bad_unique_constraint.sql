-- migrate:expand
ALTER TABLE users ADD CONSTRAINT users_email_key UNIQUE (email); -- expect: unique-without-index
ALTER TABLE events ADD PRIMARY KEY (id); -- expect: unique-without-index
ALTER TABLE users ADD COLUMN handle text UNIQUE; -- expect: unique-without-index

-- migrate:down
ALTER TABLE users DROP COLUMN handle;
ALTER TABLE events DROP CONSTRAINT events_pkey;
ALTER TABLE users DROP CONSTRAINT users_email_key;
