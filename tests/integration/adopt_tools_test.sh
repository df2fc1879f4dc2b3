#!/usr/bin/env bash
# tide-test: release-only
# Switching to tide with the real old tools: dbmate (from npm) and sql-migrate (Debian). Each
# scenario applies some migrations with the tool, adopts the project, and checks that tide
# sees the same applied set, that `tide up` runs only the rest, and that the schema is the one
# the tool itself produces when it applies everything. Also: a dbmate project run in place.
source "$(dirname "$0")/lib.sh"
source "$TIDE_SOURCE_DIR/tests/integration/adopt_lib.sh"

# dbmate ships its Linux binary inside its npm package; install it once into a cache.
DBMATE=""
dbmate_cache=${TIDE_TOOL_CACHE:-/tmp/tide-test-tools}/npm-dbmate
if [ -x "$dbmate_cache/node_modules/.bin/dbmate" ]; then
  DBMATE=$dbmate_cache/node_modules/.bin/dbmate
elif command -v npm >/dev/null &&
  timeout 180 npm install --prefix "$dbmate_cache" --no-audit --no-fund --silent dbmate@2 >/dev/null 2>&1; then
  DBMATE=$dbmate_cache/node_modules/.bin/dbmate
else
  echo "SKIP: dbmate scenarios: npm or the npm registry is unreachable (npm install dbmate failed)"
fi
command -v sql-migrate >/dev/null || fail "sql-migrate is not installed (scripts/bootstrap installs it)"

dbmate_files() {  # the dbmate project of the issue: default folder, `dbmate new "Add Index"` names
  mkdir -p db/migrations
  cat >db/migrations/20240101000000_create_users.sql <<'SQL'
-- migrate:up
CREATE TABLE users (id bigserial PRIMARY KEY, email text NOT NULL);

-- migrate:down
DROP TABLE users;
SQL
  cat >"db/migrations/20240102000000_Add Index.sql" <<'SQL'
-- migrate:up transaction:false
CREATE INDEX CONCURRENTLY users_email ON users (email);

-- migrate:down
DROP INDEX users_email;
SQL
}

dbmate_third() {
  cat >db/migrations/20240103000000_create_posts.sql <<'SQL'
-- migrate:up
CREATE TABLE posts (id bigserial PRIMARY KEY, user_id bigint REFERENCES users, body text);
CREATE FUNCTION post_count(u bigint) RETURNS bigint LANGUAGE sql AS $$ SELECT count(*) FROM posts WHERE user_id = u; $$;

-- migrate:down
DROP FUNCTION post_count(bigint);
DROP TABLE posts;
SQL
}

if [ -n "$DBMATE" ]; then
  scenario "dbmate project in place: db/migrations and DATABASE_URL from .env; unusable names are errors"
  project
  url=$DATABASE_URL
  unset DATABASE_URL
  dbmate_files
  printf 'DATABASE_URL=%s?sslmode=disable\n' "$url" >.env
  expect 3 status
  contains "$OUT" "create_users"
  contains "$ERR" "error: db/migrations/20240102000000_Add Index.sql"
  rm "db/migrations/20240102000000_Add Index.sql"
  dbmate_third
  expect 0 up
  contains "$OUT" "20240103000000_create_posts"
  expect 0 status
  lacks "$ERR" "error"
  # The real environment wins over .env; --env-file names another file.
  DATABASE_URL="postgres://$PGUSER@$PGHOST:$PGPORT/no_such_db_$$" run status
  [ "$RC" != 0 ] || fail "DATABASE_URL from the environment should win over .env"
  contains "$ERR" "no_such_db_$$"
  # A password from .env never reaches the output.
  printf 'DATABASE_URL=postgres://postgres:s3cretpw@127.0.0.1:1/x\n' >secret.env
  run status --env-file secret.env
  [ "$RC" != 0 ] || fail "connecting to port 1 should fail"
  lacks "$OUT$ERR" "s3cretpw"
  mv .env other.env
  expect 0 status --env-file other.env
  expect 2 status --env-file missing.env
  # DBMATE_MIGRATIONS_DIR from .env, when migrations/ is absent.
  mkdir -p db/custom && cp db/migrations/*.sql db/custom/ && rm -r db/migrations
  printf 'DBMATE_MIGRATIONS_DIR=db/custom\n' >>other.env
  expect 0 status --env-file other.env
  contains "$OUT" "create_posts"
  export DATABASE_URL=$url

  scenario "adopt --from dbmate: same applied set, up runs the rest, same schema as dbmate"
  project
  dbmate_files
  "$DBMATE" --url "$DATABASE_URL?sslmode=disable" --no-dump-schema migrate >/dev/null
  dbmate_third
  old_before=$(table_digest schema_migrations)
  expect 0 adopt --from dbmate
  contains "$OUT" "preview: would write 3 files to migrations/ and record 2 versions"
  [ ! -d migrations ] || fail "the preview wrote files"
  equals "$(q "SELECT to_regclass('tide_migrations') IS NULL")" "t" "preview created tide's table"
  expect 0 adopt --from dbmate --apply
  contains "$OUT" "migrations/20240102000000_add_index.sql  <- db/migrations/20240102000000_Add Index.sql"
  cmp -s "db/migrations/20240102000000_Add Index.sql" migrations/20240102000000_add_index.sql ||
    fail "the SQL bytes changed"
  equals "$(q "SELECT string_agg(version, ',' ORDER BY version) FROM tide_migrations WHERE state = 'applied'")" \
    "$(q "SELECT string_agg(version, ',' ORDER BY version) FROM schema_migrations")" "applied set"
  expect 0 adopt --from dbmate --apply
  contains "$OUT" "nothing to do: already adopted"
  equals "$(table_digest schema_migrations)" "$old_before" "dbmate's table after adopting"
  expect 0 status
  contains "$OUT" "20240103000000  create_posts  pending"
  expect 0 up
  contains "$OUT" "20240103000000_create_posts"
  lacks "$OUT" "20240101000000_create_users"
  createdb "${DB}_ref"
  "$DBMATE" --url "postgres://$PGUSER@$PGHOST:$PGPORT/${DB}_ref?sslmode=disable" --no-dump-schema migrate >/dev/null
  same_schema "$DB" "${DB}_ref"

  scenario "adopt --from dbmate refuses a version applied by dbmate without a file, and changes nothing"
  project
  dbmate_files
  "$DBMATE" --url "$DATABASE_URL?sslmode=disable" --no-dump-schema migrate >/dev/null
  q "INSERT INTO schema_migrations VALUES ('20231231000000')"
  expect 3 adopt --from dbmate --apply
  contains "$ERR" "20231231000000"
  [ ! -d migrations ] || fail "a refused adoption wrote files"
  equals "$(q "SELECT to_regclass('tide_migrations') IS NULL")" "t" "refused adoption created tide's table"
fi

sql_migrate_files() {
  mkdir -p db/sql
  cat >dbconfig.yml <<'YAML'
development:
  dialect: postgres
  datasource: ${SQL_MIGRATE_URL}
  dir: db/sql
YAML
  cat >db/sql/1_init.sql <<'SQL'
-- +migrate Up
CREATE TABLE accounts (id serial PRIMARY KEY, name text);

-- +migrate Down
DROP TABLE accounts;
SQL
  cat >db/sql/2_touch.sql <<'SQL'
-- +migrate Up
-- +migrate StatementBegin
CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.name := lower(NEW.name);
  RETURN NEW;
END;
$$;
-- +migrate StatementEnd
CREATE TRIGGER accounts_touch BEFORE INSERT ON accounts FOR EACH ROW EXECUTE FUNCTION touch();

-- +migrate Down
DROP TRIGGER accounts_touch ON accounts;
DROP FUNCTION touch();
SQL
  cat >db/sql/3_index.sql <<'SQL'
-- +migrate Up notransaction
CREATE INDEX CONCURRENTLY accounts_name ON accounts (name);

-- +migrate Down
DROP INDEX accounts_name;
SQL
  cat >db/sql/10_email.sql <<'SQL'
-- +migrate Up
ALTER TABLE accounts ADD COLUMN email text;

-- +migrate Down
ALTER TABLE accounts DROP COLUMN email;
SQL
}

scenario "adopt --from sql-migrate: same applied set, up runs the rest (10 after 3), same schema"
project
sql_migrate_files
export SQL_MIGRATE_URL="$DATABASE_URL?sslmode=disable"
sql-migrate up -limit=2 >/dev/null
old_before=$(table_digest gorp_migrations)
expect 0 adopt --from sql-migrate
contains "$OUT" "record 2 versions"
expect 0 adopt --from sql-migrate --apply
equals "$(q "SELECT string_agg(version || '_' || name, ',' ORDER BY version::int) FROM tide_migrations")" \
  "1_init,2_touch" "tide records"
equals "$(table_digest gorp_migrations)" "$old_before" "sql-migrate's table after adopting"
contains "$(cat migrations/3_index.sql)" "-- migrate:up transaction:false"
expect 0 status
contains "$OUT" "3        index  pending"
expect 0 up
contains "$OUT" "3_index"
contains "$OUT" "10_email"
lacks "$OUT" "1_init"
[[ "$OUT" == *3_index*10_email* ]] || fail "tide must run 3 before 10, as sql-migrate does:\n$OUT"
createdb "${DB}_ref"
SQL_MIGRATE_URL="postgres://$PGUSER@$PGHOST:$PGPORT/${DB}_ref?sslmode=disable" sql-migrate up >/dev/null
same_schema "$DB" "${DB}_ref"
expect 0 adopt --from sql-migrate --apply
contains "$OUT" "nothing to do"

done_suite
