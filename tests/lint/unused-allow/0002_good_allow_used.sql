-- migrate:expand
-- tide:allow index-concurrently because countries has 250 rows and is only read
CREATE INDEX countries_name_idx ON countries (name);

-- migrate:down
DROP INDEX countries_name_idx;
