#!/usr/bin/env bash
# tide lint from a user's side: unsafe migrations are named with file:line and a fix, the
# formats CI tools read, opt-outs, and `lint: error` stopping `tide up` before it changes anything.
source "$(dirname "$0")/lib.sh"

scenario "an unsafe expand is reported with file, line, rule and fix, and exits 3"
migration 0001_users.sql <<'SQL'
-- migrate:up
CREATE TABLE users (id bigint PRIMARY KEY, name text);
CREATE INDEX users_name_idx ON users (name);
-- migrate:down
DROP TABLE users;
SQL
migration 0002_rename.sql <<'SQL'
-- migrate:expand
ALTER TABLE users RENAME COLUMN name TO full_name;
CREATE INDEX users_id_name_idx ON users (id, full_name);
-- migrate:contract
SELECT 1;
SQL
expect 3 lint
contains "$OUT" "migrations/0002_rename.sql:2: error [rename-in-expand]"
contains "$OUT" "migrations/0002_rename.sql:3: error [index-concurrently]"
contains "$OUT" "fix: "
contains "$OUT" "2 errors, 0 warnings in 2 migrations"
lacks "$OUT" "0001_users.sql"  # a new table needs no CONCURRENTLY

scenario "a safe migration set passes; warnings alone do not fail"
migration 0001_users.sql <<'SQL'
-- migrate:up
CREATE TABLE users (id bigint PRIMARY KEY, name text);
SQL
migration 0002_index.sql <<'SQL'
-- migrate:expand transaction:false
CREATE INDEX CONCURRENTLY users_name_idx ON users (name);
-- migrate:down transaction:false
DROP INDEX CONCURRENTLY users_name_idx;
SQL
expect 0 lint
contains "$OUT" "0001_users.sql:1: warning [missing-down]"
contains "$OUT" "0 errors, 1 warning in 2 migrations"
cat >tide.yaml <<'YAML'
lint_rules:
  missing-down: off
YAML
expect 0 lint
contains "$OUT" "2 migrations checked: no problems"
cat >tide.yaml <<'YAML'
lint_rules:
  no-such-rule: off
YAML
expect 2 lint
contains "$ERR" "no-such-rule"

scenario "FILES limits the report; earlier migrations still give context"
migration 0001_check.sql <<'SQL'
-- migrate:expand transaction:false
ALTER TABLE orders ADD CONSTRAINT orders_total_nn CHECK (total IS NOT NULL) NOT VALID;
ALTER TABLE orders VALIDATE CONSTRAINT orders_total_nn;
-- migrate:contract
DROP TABLE legacy;
SQL
migration 0002_not_null.sql <<'SQL'
-- migrate:expand
ALTER TABLE orders ALTER COLUMN total SET NOT NULL;
-- migrate:down
ALTER TABLE orders ALTER COLUMN total DROP NOT NULL;
SQL
expect 0 lint migrations/0002_not_null.sql
contains "$OUT" "1 migration checked: no problems"
expect 2 lint migrations/0009_missing.sql

scenario "json and github formats"
migration 0001_drop.sql <<'SQL'
-- migrate:expand
ALTER TABLE users DROP COLUMN email;
-- migrate:contract
SELECT 1;
SQL
expect 3 lint --format json
equals "$(jq -r '.findings[0].rule + " " + (.findings[0].line|tostring) + " " + .findings[0].phase' <<<"$OUT")" \
  "drop-in-expand 2 expand"
equals "$(jq -r .errors <<<"$OUT")" "1"
expect 3 lint --format github
contains "$OUT" "::error file=migrations/0001_drop.sql,line=2,title=drop-in-expand::DROP COLUMN users.email"

scenario "an opt-out needs a reason"
migration 0001_drop.sql <<'SQL'
-- migrate:expand
-- tide:allow drop-in-expand because email moved to accounts in release 41
ALTER TABLE users DROP COLUMN email;
-- migrate:contract
SELECT 1;
SQL
expect 0 lint
sed -i 's/ because.*//' migrations/0001_drop.sql
expect 3 lint
contains "$OUT" "[invalid-allow]"
contains "$OUT" "[drop-in-expand]"

scenario "syntax errors are reported with file and line"
migration 0001_bad.sql <<'SQL'
-- migrate:up
CREATE TABLE t (id int);
ALTER TABEL t ADD COLUMN x int;
SQL
# The PostgreSQL 15 grammar rejects it (as it rejects 16+ syntax): a warning, the server judges
# it at run time; --strict-parse makes it an error.
expect 0 lint
contains "$OUT" "migrations/0001_bad.sql:3: warning syntax error"
contains "$OUT" "not parsed by the PostgreSQL 15 grammar: lint skipped for this file"
expect 3 lint --strict-parse
contains "$OUT" "migrations/0001_bad.sql:3: error"

scenario "lint: error stops up before it changes anything; warn only prints"
migration 0001_users.sql <<'SQL'
-- migrate:up
CREATE TABLE users (id bigint PRIMARY KEY, name text);
-- migrate:down
DROP TABLE users;
SQL
expect 0 up
migration 0002_index.sql <<'SQL'
-- migrate:up
CREATE INDEX users_name_idx ON users (name);
-- migrate:down
DROP INDEX users_name_idx;
SQL
cat >tide.yaml <<'YAML'
lint: error
YAML
expect 3 up
contains "$ERR" "0002_index.sql:2: error [index-concurrently]"
equals "$(q "SELECT count(*) FROM pg_indexes WHERE indexname = 'users_name_idx'")" "0"
equals "$(state_of 0002)" ""
cat >tide.yaml <<'YAML'
lint: warn
YAML
expect 0 up
contains "$ERR" "[index-concurrently]"
equals "$(state_of 0002)" "applied"

# Two tables of different sizes, made by an applied migration and filled and analysed so that
# pg_class.reltuples is set: big (50,000 rows) and tiny (10 rows).
sized_tables() {
  migration 0001_tables.sql <<'SQL'
-- migrate:up
CREATE TABLE big (id bigint PRIMARY KEY, v int, at timestamp);
CREATE TABLE tiny (id bigint PRIMARY KEY, v int, at timestamp);
-- migrate:down
DROP TABLE big, tiny;
SQL
  expect 0 up
  q "INSERT INTO big SELECT g, g, now() FROM generate_series(1, 50000) g;
     INSERT INTO tiny SELECT g, g, now() FROM generate_series(1, 10) g; ANALYZE big; ANALYZE tiny;"
  migration 0002_indexes.sql <<'SQL'
-- migrate:up
CREATE INDEX big_v_idx ON big (v);
CREATE INDEX tiny_v_idx ON tiny (v);
ALTER TABLE tiny ALTER COLUMN v TYPE bigint;
-- migrate:down
DROP INDEX big_v_idx, tiny_v_idx;
SQL
}

scenario "lint --url weighs findings by live table size: small tables drop to info"
sized_tables
expect 3 lint
contains "$OUT" "0002_indexes.sql:3: error [index-concurrently]"
lacks "$OUT" "rows,"
expect 3 lint --url "$DATABASE_URL"
contains "$OUT" "0002_indexes.sql:2: error [index-concurrently] CREATE INDEX big_v_idx on big"
contains "$OUT" "(big: ~50k rows, "
contains "$OUT" "0002_indexes.sql:3: info [index-concurrently]"
contains "$OUT" "tiny: ~10 rows, "
contains "$OUT" "under the lint size threshold"
contains "$OUT" "0002_indexes.sql:4: info [alter-column-type]"
contains "$OUT" "1 error, 0 warnings in 2 migrations (2 findings on small tables, shown as info)"
expect 3 lint --url "$DATABASE_URL" --format json
contains "$OUT" '"severity": "info"'
contains "$OUT" '"table": "public.tiny"'
cat >tide.yaml <<'YAML'
lint_small_rows: 100000
lint_small_size: 1GB
YAML
expect 0 lint --url "$DATABASE_URL"
contains "$OUT" "0002_indexes.sql:2: info [index-concurrently]"
cat >tide.yaml <<'YAML'
lint_small_size: lots
YAML
expect 2 lint --url "$DATABASE_URL"
contains "$ERR" "lint_small_size"

scenario "the lint gate before up sees the live sizes; --dry-run shows each statement's locks"
sized_tables
cat >tide.yaml <<'YAML'
lint: error
YAML
expect 3 up --dry-run
contains "$ERR" "error [index-concurrently] CREATE INDEX big_v_idx on big"
contains "$ERR" "(big: ~50k rows, "
contains "$ERR" "info [index-concurrently] CREATE INDEX tiny_v_idx"
cat >tide.yaml <<'YAML'
lint: warn
YAML
expect 0 up --dry-run
contains "$OUT" "-- locks: SHARE on big (reads every row, ~50k rows, "
contains "$OUT" "-- locks: SHARE on tiny (reads every row, ~10 rows, "
contains "$OUT" "-- locks: ACCESS EXCLUSIVE on tiny (rewrites the table, ~10 rows, "
expect 0 up --dry-run --format json
locks=$(printf '%s' "$OUT" | python3 -c 'import json, sys
for st in json.load(sys.stdin)["steps"][0]["statements"]:
    for l in st["locks"]:
        print(l["table"], l["mode"], l["rewrites"], l["scans"], l["rows"], l["bytes"] > 0)')
contains "$locks" "public.big SHARE False True 50000 True"
contains "$locks" "public.tiny ACCESS EXCLUSIVE True True 10 True"
equals "$(state_of 0002)" ""

scenario "lint --url reads the session time zone: timestamp → timestamptz under UTC does not rewrite"
sized_tables
migration 0002_indexes.sql <<'SQL'
-- migrate:up
ALTER TABLE big ALTER COLUMN at TYPE timestamptz;
-- migrate:down
ALTER TABLE big ALTER COLUMN at TYPE timestamp;
SQL
q "ALTER DATABASE $DB SET timezone = 'America/New_York'"
expect 3 lint --url "$DATABASE_URL"
contains "$OUT" "0002_indexes.sql:2: error [alter-column-type]"
contains "$OUT" "skips the rewrite only when the session time zone is UTC"
q "ALTER DATABASE $DB SET timezone = 'UTC'"
expect 0 lint --url "$DATABASE_URL"
cat >tide.yaml <<'YAML'
lint: warn
YAML
expect 0 up --dry-run
contains "$OUT" "-- locks: ACCESS EXCLUSIVE on big (~50k rows, "
lacks "$OUT" "rewrites the table"

done_suite
