#!/usr/bin/env bash
# Files and configuration without a database: new, validate --offline, bad input.
source "$(dirname "$0")/lib.sh"

scenario "tide new writes timestamped and sequential files from a template"
expect 0 new "Add body text" --contract --backfill
path=$OUT
[[ "$path" =~ ^migrations/[0-9]{14}_add_body_text\.sql$ ]] || fail "unexpected path $path"
contains "$(cat "$path")" "-- migrate:contract"
contains "$(cat "$path")" "-- migrate:backfill"
rm "$path"
cat >tide.yaml <<'YAML'
version_format: sequential
YAML
expect 0 new create_users
equals "$OUT" "migrations/0001_create_users.sql"
expect 0 new add-index
equals "$OUT" "migrations/0002_add-index.sql"
expect 0 validate --offline
expect 2 new "!!!"

scenario "validate --offline lists every problem with file and line"
migration 0001_ok.sql <<'SQL'
-- migrate:up
SELECT 1;
SQL
migration 0002_bad_syntax.sql <<'SQL'
-- migrate:up
SELECT 1;
SELEC 2;
SQL
migration 0002_dup.sql <<'SQL'
-- migrate:up
SELECT 2;
SQL
migration 0003_options.sql <<'SQL'
-- migrate:up colour:blue
SELECT 3;
-- migrate:sideways
SQL
migration Bad_Name.sql <<'SQL'
-- migrate:up
SQL
echo "not sql" >migrations/README.txt
printf -- '-- migrate:up\n\x00\x01\xff\n' >migrations/0004_binary.sql
expect 3 validate --offline
contains "$ERR" "0002_bad_syntax.sql:3: syntax error"
contains "$ERR" "duplicate version 0002"
contains "$ERR" "0003_options.sql:1: unknown option 'colour'"
contains "$ERR" "0003_options.sql:3: unknown section"
contains "$ERR" "Bad_Name.sql: file name must be"
contains "$ERR" "0004_binary.sql"
lacks "$ERR" "README.txt"
expect 3 up

scenario "config errors name the file, line and key"
cat >tide.yaml <<'YAML'
migrations: migrations
lock_timeout: 5s
enviroments:
  local:
    url: x
YAML
expect 2 status
contains "$ERR" "tide.yaml:3: unknown key 'enviroments'"
printf 'environments:\n  a: [unclosed\n' >tide.yaml
expect 2 status
contains "$ERR" "invalid YAML"
expect 2 --config missing.yaml status
contains "$ERR" "missing.yaml"
rm tide.yaml
expect 2 --dir nowhere validate --offline
contains "$ERR" "nowhere"
expect 2 up --to abc
expect 2 --lock-wait forever up
expect 2 down --steps 0
expect 2 up --dry-run --rehearse

scenario "--version and --help"
expect 0 --version
contains "$OUT" "tide "
expect 0 --help
contains "$OUT" "contract"
expect 2
expect 2 frobnicate

done_suite
