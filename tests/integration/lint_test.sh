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

done_suite
