#!/usr/bin/env bash
# Switching to tide from golang-migrate, goose and Flyway, which do not install here: their
# metadata tables are created with the DDL from each tool's own source, and the migrations they
# "applied" are run as each tool runs them (golang-migrate: a file as one multi-statement
# query; goose and Flyway: the up part). Then tide adopts, and must see the same applied set,
# run only the rest, and end with the schema of applying everything.
source "$(dirname "$0")/lib.sh"
source "$TIDE_SOURCE_DIR/tests/integration/adopt_lib.sh"

# psql_file DB FILE: runs a file's SQL the way golang-migrate's postgres driver does: one query.
psql_file() { psql -X -q -v ON_ERROR_STOP=1 -d "$1" -c "$(cat "$2")" >/dev/null; }
# psql_up DB FILE [--single-transaction]: runs the part of a goose file before its Down marker.
psql_up() { sed '/+goose Down/,$d' "$2" | psql -X -q -v ON_ERROR_STOP=1 ${3:-} -d "$1" >/dev/null; }

golang_files() {
  mkdir -p migrations_gm
  cat >migrations_gm/000001_create_users.up.sql <<'SQL'
CREATE TABLE users (id bigserial PRIMARY KEY, email text NOT NULL);
SQL
  echo 'DROP TABLE users;' >migrations_gm/000001_create_users.down.sql
  cat >migrations_gm/000002_add_name.up.sql <<'SQL'
BEGIN;
ALTER TABLE users ADD COLUMN name text;
UPDATE users SET name = email;
COMMIT;
SQL
  echo 'ALTER TABLE users DROP COLUMN name;' >migrations_gm/000002_add_name.down.sql
  cat >migrations_gm/000003_index_email.up.sql <<'SQL'
CREATE INDEX CONCURRENTLY users_email ON users (email);
SQL
  echo 'DROP INDEX users_email;' >migrations_gm/000003_index_email.down.sql
  cat >migrations_gm/000004_posts.up.sql <<'SQL'
CREATE TABLE posts (id bigserial PRIMARY KEY, user_id bigint REFERENCES users);
SQL
}

scenario "adopt --from golang-migrate: files up to its version are applied, up runs the rest"
project
golang_files
# golang-migrate's postgres driver (ensureVersionTable) creates exactly this table.
q "CREATE TABLE IF NOT EXISTS public.schema_migrations (version bigint not null primary key, dirty boolean not null)"
psql_file "$DB" migrations_gm/000001_create_users.up.sql
psql_file "$DB" migrations_gm/000002_add_name.up.sql
q "INSERT INTO schema_migrations (version, dirty) VALUES (2, false)"
# Pointing tide at the old tool's table is a clear error, not raw database text.
mkdir -p migrations
expect 2 status --table schema_migrations
contains "$ERR" "public.schema_migrations is not a tide metadata table"
contains "$ERR" "tide adopt --from"
lacks "$ERR" "does not exist"
old_before=$(table_digest schema_migrations)
expect 0 adopt --from golang-migrate --from-dir migrations_gm
contains "$OUT" "write   migrations/000001_create_users.sql  <- migrations_gm/000001_create_users.up.sql + migrations_gm/000001_create_users.down.sql  (applied)"
contains "$OUT" "000003_index_email.sql  <- migrations_gm/000003_index_email.up.sql + migrations_gm/000003_index_email.down.sql  (pending)"
expect 0 adopt --from golang-migrate --from-dir migrations_gm --apply
equals "$(q "SELECT string_agg(version, ',' ORDER BY version) FROM tide_migrations")" "000001,000002"
head -1 migrations/000002_add_name.sql | grep -qx -- '-- migrate:up transaction:false' ||
  fail "BEGIN/COMMIT in the file must run outside tide's transaction"
head -1 migrations/000003_index_email.sql | grep -qx -- '-- migrate:up transaction:false' ||
  fail "CREATE INDEX CONCURRENTLY must run outside a transaction"
expect 0 up
contains "$OUT" "000003_index_email"
contains "$OUT" "000004_posts"
lacks "$OUT" "000002_add_name"
equals "$(table_digest schema_migrations)" "$old_before" "golang-migrate's table"
createdb "${DB}_ref"
for f in migrations_gm/*.up.sql; do psql_file "${DB}_ref" "$f"; done
same_schema "$DB" "${DB}_ref"
expect 0 adopt --from golang-migrate --from-dir migrations_gm --apply
contains "$OUT" "nothing to do"

scenario "adopt --from golang-migrate refuses a dirty version and one without a file"
project
golang_files
q "CREATE TABLE public.schema_migrations (version bigint not null primary key, dirty boolean not null)"
q "INSERT INTO schema_migrations VALUES (2, true)"
expect 3 adopt --from golang-migrate --from-dir migrations_gm --apply
contains "$ERR" "dirty at version 2"
q "UPDATE schema_migrations SET version = 7, dirty = false"
expect 3 adopt --from golang-migrate --from-dir migrations_gm
contains "$ERR" "version 7, which has no file"
[ ! -d migrations ] || fail "a refused adoption wrote files"
# golang-migrate's files in migrations/, where tide's would go: say so, write nothing.
mv migrations_gm migrations
expect 2 adopt --from golang-migrate
contains "$ERR" "golang-migrate's files are in migrations/, where tide's files would go"

scenario "adopt --from goose: the newest row of a version decides; NO TRANSACTION, StatementBegin"
project
mkdir -p db/migrations
cat >db/migrations/00001_create_users.sql <<'SQL'
-- +goose Up
CREATE TABLE users (id bigserial PRIMARY KEY, email text NOT NULL);

-- +goose Down
DROP TABLE users;
SQL
cat >db/migrations/00002_normalize.sql <<'SQL'
-- +goose Up
-- +goose StatementBegin
CREATE FUNCTION normalize_email() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.email := lower(NEW.email);
  RETURN NEW;
END;
$$;
-- +goose StatementEnd

-- +goose Down
DROP FUNCTION normalize_email();
SQL
cat >db/migrations/00003_index.sql <<'SQL'
-- +goose NO TRANSACTION
-- +goose Up
CREATE INDEX CONCURRENTLY users_email ON users (email);

-- +goose Down
DROP INDEX CONCURRENTLY users_email;
SQL
cat >db/migrations/00004_seed.go <<'GO'
package migrations
GO
# goose's postgres dialect (CreateTable) makes this table and inserts version 0 first.
q "CREATE TABLE goose_db_version (id serial NOT NULL, version_id bigint NOT NULL, is_applied boolean NOT NULL, tstamp timestamp NULL default now(), PRIMARY KEY(id))"
q "INSERT INTO goose_db_version (version_id, is_applied) VALUES (0, true), (1, true), (2, true), (3, true), (3, false)"
psql_up "$DB" db/migrations/00001_create_users.sql --single-transaction
psql_up "$DB" db/migrations/00002_normalize.sql --single-transaction
expect 0 adopt --from goose --apply
contains "$OUT" "unsupported: db/migrations/00004_seed.go: a Go migration"
equals "$(q "SELECT string_agg(version, ',' ORDER BY version) FROM tide_migrations")" "00001,00002"
contains "$(cat migrations/00003_index.sql)" "-- migrate:up transaction:false"
contains "$(cat migrations/00002_normalize.sql)" "-- +goose StatementBegin"
expect 0 adopt --from goose --format json
equals "$(python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["tool"], len(d["migrations"]), sum(m["write"] or m["record"] for m in d["migrations"]))' <<<"$OUT")" \
  "goose 3 0" "a repeated adopt as JSON"
expect 0 up
contains "$OUT" "00003_index"
lacks "$OUT" "00002_normalize"
createdb "${DB}_ref"
for f in db/migrations/*.sql; do psql_up "${DB}_ref" "$f"; done
same_schema "$DB" "${DB}_ref"

scenario "adopt --from flyway: dotted versions keep Flyway's order, undo scripts become down, failures refuse"
project
mkdir -p db/flyway conf
printf 'flyway.url=jdbc:postgresql://localhost/app\nflyway.locations=filesystem:db/flyway\n' >conf/flyway.conf
cat >db/flyway/V1__Create_users.sql <<'SQL'
CREATE TABLE users (id bigserial PRIMARY KEY, email text NOT NULL);
SQL
cat >db/flyway/V1_1__Add_name.sql <<'SQL'
ALTER TABLE users ADD COLUMN name text;
SQL
echo 'ALTER TABLE users DROP COLUMN name;' >db/flyway/U1_1__Add_name.sql
cat >db/flyway/V1_10__Add_age.sql <<'SQL'
ALTER TABLE users ADD COLUMN age int;
SQL
cat >db/flyway/V2__Index.sql <<'SQL'
CREATE INDEX CONCURRENTLY users_email ON users (email);
SQL
cat >db/flyway/R__Views.sql <<'SQL'
CREATE OR REPLACE VIEW user_emails AS SELECT email FROM users;
SQL
# Flyway's PostgreSQL createMetaDataTable.sql.
q 'CREATE TABLE "public"."flyway_schema_history" (
    "installed_rank" INT NOT NULL, "version" VARCHAR(50), "description" VARCHAR(200) NOT NULL,
    "type" VARCHAR(20) NOT NULL, "script" VARCHAR(1000) NOT NULL, "checksum" INTEGER,
    "installed_by" VARCHAR(100) NOT NULL, "installed_on" TIMESTAMP NOT NULL DEFAULT now(),
    "execution_time" INTEGER NOT NULL, "success" BOOLEAN NOT NULL)'
q 'ALTER TABLE "public"."flyway_schema_history" ADD CONSTRAINT "flyway_schema_history_pk" PRIMARY KEY ("installed_rank")'
q 'CREATE INDEX "flyway_schema_history_s_idx" ON "public"."flyway_schema_history" ("success")'
for f in V1__Create_users V1_1__Add_name R__Views; do psql -X -q -v ON_ERROR_STOP=1 -1 -d "$DB" -f "db/flyway/$f.sql" >/dev/null; done
q "INSERT INTO flyway_schema_history VALUES
   (1, '1', 'Create users', 'SQL', 'V1__Create_users.sql', 1, 'postgres', now(), 5, true),
   (2, '1.1', 'Add name', 'SQL', 'V1_1__Add_name.sql', 2, 'postgres', now(), 5, true),
   (3, NULL, 'Views', 'SQL', 'R__Views.sql', 3, 'postgres', now(), 5, true)"
old_before=$(table_digest flyway_schema_history)
expect 0 adopt --from flyway --apply
contains "$OUT" "migrations/101_add_name.sql  <- db/flyway/V1_1__Add_name.sql + db/flyway/U1_1__Add_name.sql  (applied)"
contains "$OUT" "migrations/110_add_age.sql  <- db/flyway/V1_10__Add_age.sql  (pending)"
contains "$OUT" "unsupported: db/flyway/R__Views.sql"
equals "$(q "SELECT string_agg(version, ',' ORDER BY version) FROM tide_migrations")" "100,101"
contains "$(cat migrations/101_add_name.sql)" "-- migrate:down"
expect 0 up
contains "$OUT" "110_add_age"
contains "$OUT" "200_index"
[[ "$OUT" == *110_add_age*200_index* ]] || fail "1.10 runs before 2, as in Flyway:\n$OUT"
equals "$(table_digest flyway_schema_history)" "$old_before" "Flyway's table"
createdb "${DB}_ref"
for f in V1__Create_users V1_1__Add_name V1_10__Add_age V2__Index R__Views; do
  psql -X -q -v ON_ERROR_STOP=1 -d "${DB}_ref" -f "db/flyway/$f.sql" >/dev/null
done
same_schema "$DB" "${DB}_ref"
q "INSERT INTO flyway_schema_history VALUES (4, '1.10', 'Add age', 'SQL', 'V1_10__Add_age.sql', 4, 'postgres', now(), 5, false)"
expect 3 adopt --from flyway
contains "$ERR" "version 1.10 (V1_10__Add_age.sql) as failed"

done_suite
