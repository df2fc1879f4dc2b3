#!/usr/bin/env bash
# Plain (up/down) migrations end to end: the everyday life of a developer.
source "$(dirname "$0")/lib.sh"

write_users_and_posts() {
  migration 0001_create_users.sql <<'SQL'
-- The first table.
-- migrate:up
CREATE TABLE users (id bigserial PRIMARY KEY, email text NOT NULL UNIQUE);
-- migrate:down
DROP TABLE users;
SQL
  migration 0002_create_posts.sql <<'SQL'
-- migrate:up
CREATE TABLE posts (id bigserial PRIMARY KEY, user_id bigint REFERENCES users(id), body text);
CREATE FUNCTION post_count() RETURNS bigint AS $$ SELECT count(*) FROM posts; $$ LANGUAGE sql;
-- migrate:down
DROP FUNCTION post_count();
DROP TABLE posts;
SQL
}

scenario "up applies pending migrations in order, status shows them, rerun is a no-op"
write_users_and_posts
expect 0 status
contains "$OUT" "pending"
expect 0 up
contains "$OUT" "0001_create_users"
contains "$OUT" "0002_create_posts"
equals "$(state_of 0001)" applied
equals "$(state_of 0002)" applied
equals "$(q 'SELECT post_count()')" 0
expect 0 up
contains "$OUT" "nothing to apply"
equals "$(q 'SELECT count(*) FROM tide_migrations_history')" 2
expect 0 status --format json
python3 -c 'import json,sys; d=json.load(sys.stdin); assert [m["state"] for m in d["migrations"]] == ["applied","applied"], d' <<<"$OUT" ||
  fail "status json"

scenario "down reverts newest first; --steps and --to"
write_users_and_posts
migration 0003_add_flag.sql <<'SQL'
-- migrate:up
ALTER TABLE users ADD COLUMN admin boolean;
-- migrate:down
ALTER TABLE users DROP COLUMN admin;
SQL
expect 0 up
expect 0 down
contains "$OUT" "0003_add_flag"
equals "$(q "SELECT count(*) FROM information_schema.columns WHERE column_name = 'admin'")" 0
equals "$(state_of 0003)" ""
expect 0 up
expect 0 down --steps 2
equals "$(q 'SELECT count(*) FROM tide_migrations')" 1
expect 0 up
expect 0 down --to 0001
equals "$(q "SELECT string_agg(version, ',') FROM tide_migrations")" 0001
expect 0 down
expect 0 down
contains "$OUT" "nothing to revert"

scenario "up --to stops at a version"
write_users_and_posts
expect 0 up --to 1
equals "$(state_of 0001)" applied
equals "$(state_of 0002)" ""

scenario "a failing migration rolls back and records nothing; rerun after the fix"
write_users_and_posts
migration 0003_broken.sql <<'SQL'
-- migrate:up
CREATE TABLE audit (id int);
INSERT INTO missing_table VALUES (1);
-- migrate:down
DROP TABLE audit;
SQL
expect 1 up
contains "$OUT" "migrations/0003_broken.sql:3"
contains "$OUT" "missing_table"
equals "$(state_of 0002)" applied
equals "$(state_of 0003)" ""
equals "$(q "SELECT count(*) FROM pg_tables WHERE tablename = 'audit'")" 0
sed -i 's/INSERT INTO missing_table/INSERT INTO audit/' migrations/0003_broken.sql
expect 0 up
equals "$(state_of 0003)" applied

scenario "a changed checksum blocks up and down until repair"
write_users_and_posts
expect 0 up
echo "-- an edit" >>migrations/0001_create_users.sql
expect 3 up
contains "$ERR" "0001_create_users.sql"
contains "$ERR" "checksum changed"
expect 3 down
expect 3 validate
expect 0 status
contains "$OUT" "changed"
expect 0 repair
contains "$OUT" "checksum re-stamped"
expect 0 up
expect 0 validate
# Windows line endings are not a change.
sed -i 's/$/\r/' migrations/0002_create_posts.sql
expect 0 validate

scenario "out-of-order pending migrations are refused unless allowed"
write_users_and_posts
mv migrations/0001_create_users.sql "$WORK/hold.sql"
sed -i 's/ REFERENCES users(id)//' migrations/0002_create_posts.sql
expect 0 up
mv "$WORK/hold.sql" migrations/0001_create_users.sql
expect 3 up
contains "$ERR" "out of order"
expect 0 up --dry-run --allow-out-of-order
contains "$OUT" "CREATE TABLE users"
expect 0 up --allow-out-of-order
equals "$(state_of 0001)" applied

scenario "status --fail-on-pending is a CI gate"
write_users_and_posts
expect 5 status --fail-on-pending
expect 0 up
expect 0 status --fail-on-pending

scenario "baseline adopts an existing database"
write_users_and_posts
psql -X -q -d "$DB" -c "CREATE TABLE users (id bigserial PRIMARY KEY, email text NOT NULL UNIQUE)"
expect 0 baseline 0001
contains "$OUT" "0001_create_users.sql"
equals "$(state_of 0001)" applied
expect 0 up
equals "$(state_of 0002)" applied
equals "$(q "SELECT action FROM tide_migrations_history WHERE version = '0001'")" baseline

scenario "dbmate files with a custom schema-qualified metadata table"
write_users_and_posts
expect 0 --table ops.schema_log up
equals "$(q "SELECT count(*) FROM ops.schema_log")" 2
equals "$(q "SELECT count(*) FROM ops.schema_log_history")" 2
expect 0 --table ops.schema_log status

scenario "a config file with environments and variables"
write_users_and_posts
cat >tide.yaml <<YAML
migrations: migrations
table: tide_meta
default_env: local
environments:
  local:
    host: \${TEST_PGHOST}
    port: $PGPORT
    database: $DB
    user: postgres
    sslmode: disable
  other:
    url: postgres://nobody@127.0.0.1:1/none
YAML
TEST_PGHOST=127.0.0.1 expect 0 up
equals "$(q 'SELECT count(*) FROM tide_meta')" 2
TEST_PGHOST=127.0.0.1 TIDE_ENV=other expect 2 status
contains "$ERR" "cannot connect"
expect 2 status
contains "$ERR" "TEST_PGHOST"
contains "$ERR" "tide.yaml:6"

done_suite
