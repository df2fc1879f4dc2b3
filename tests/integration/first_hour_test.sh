#!/usr/bin/env bash
# The first hour of a new user: secrets in connection strings, tide.yaml mistakes, wrong
# directories, odd files, newer PostgreSQL syntax, transaction control in a section.
source "$(dirname "$0")/lib.sh"

# No DNS lookups, whatever host a malformed URL seems to name: libpq connects to this address.
export PGHOSTADDR=127.0.0.1

# hidden SECRET ARGS…: runs tide at every verbosity; the secret never appears in any output.
hidden() {
  local secret=$1
  shift
  for v in -q "" -v -vv; do
    run $v "$@"
    [[ "$OUT$ERR" != *"$secret"* ]] || fail "password '$secret' shown by tide $v $*:\n$OUT\n$ERR"
  done
}

scenario "a password never appears, whatever is wrong with the URL"
pw='Qx7Zsecret'
for url in \
  " postgres://u:$pw@127.0.0.1:$PGPORT/$DB" \
  "postgress://u:$pw@127.0.0.1:$PGPORT/$DB" \
  "postgresql+psycopg2://u:$pw@127.0.0.1:$PGPORT/$DB" \
  "postgres://u:Qx7Z%secret@127.0.0.1:$PGPORT/$DB" \
  "postgres://u:Qx7Z@secret@127.0.0.1:$PGPORT/$DB" \
  "postgres://u:Qx7Z/secret@127.0.0.1:$PGPORT/$DB" \
  "postgres://u:$pw@[::1:$PGPORT/$DB" \
  "host=127.0.0.1 port=$PGPORT password=Qx7Z secret" \
  "postgres://u:$pw@127.0.0.1:$PGPORT/$DB?nonsense=1"; do
  hidden Qx7Z status --url "$url"
  [ "$RC" = 2 ] || fail "expected exit 2 for --url '${url//$pw/***}', got $RC:\n$ERR"
  DATABASE_URL=$url hidden Qx7Z status
  [ "$RC" = 2 ] || fail "expected exit 2 for DATABASE_URL, got $RC"
  hidden secret status --url "$url"
done
# The pieces that libpq would have read as a host, a port or a database stay hidden too.
run status --url "postgres://u:Qx7Z/secret@127.0.0.1:$PGPORT/$DB"
contains "$ERR" "percent-encoded"
contains "$ERR" "postgres://u:***@127.0.0.1"
run status --url "postgress://u:$pw@127.0.0.1/db"
contains "$ERR" "unknown URL scheme 'postgress'"
migration 0001_a.sql <<'SQL'
-- migrate:up
SELECT 1;
SQL
# A well-formed URL with a wrong password: the server's refusal, never the password. (The test
# server trusts local connections, so a URL that works must not show it either.)
hidden "$pw" up --dry-run --url "postgres://postgres:$pw@127.0.0.1:$PGPORT/$DB"
equals "$RC" 0

scenario "tide.yaml values are redacted too, in selected and unselected environments"
migration 0001_a.sql <<'SQL'
-- migrate:up
SELECT 1;
SQL
cat >tide.yaml <<YAML
default_env: local
environments:
  local:
    url: postgres://$PGUSER@127.0.0.1:$PGPORT/$DB
  other:
    url: postgres://u:Qx7Zsecret@h/\${DB
YAML
hidden Qx7Z status
equals "$RC" 0
hidden Qx7Z -e other status
equals "$RC" 2
contains "$ERR" "tide.yaml:6: url: unclosed"
cat >tide.yaml <<YAML
environments:
  local:
    url: postgres://u:Qx7Z%secret@127.0.0.1:$PGPORT/$DB
    password: Qx7Zother
YAML
hidden Qx7Z status
equals "$RC" 2

scenario "fuzzed URLs never show their password at any verbosity"
chars='Qx7Z@/%:?#&=[] ;+._~!$'
for i in $(seq 1 60); do
  pw="Qx7Z"
  for _ in 1 2 3 4 5 6; do pw+="${chars:RANDOM%${#chars}:1}"; done
  pw+="Zq9W"
  case $((RANDOM % 5)) in
  0) url="postgres://u:$pw@127.0.0.1:$PGPORT/$DB" ;;
  1) url=" postgresql://u:$pw@[::1]:$PGPORT/$DB?sslmode=disable" ;;
  2) url="host=127.0.0.1 port=$PGPORT user=u password=$pw dbname=$DB" ;;
  3) url="postgress://u:$pw@127.0.0.1" ;;
  4) url="u:$pw@127.0.0.1:$PGPORT" ;;
  esac
  for v in -q "" -v -vv; do
    run $v status --url "$url"
    for piece in "$pw" Qx7Z Zq9W; do
      [[ "$OUT$ERR" != *"$piece"* ]] || fail "'$piece' of a password shown for URL #$i at '$v':\n$ERR"
    done
  done
done

scenario "\${VAR} is expanded in the selected environment only; offline commands need none"
migration 0001_a.sql <<'SQL'
-- migrate:up
CREATE TABLE a (id int);
SQL
cat >tide.yaml <<YAML
environments:
  local:
    url: postgres://$PGUSER@127.0.0.1:$PGPORT/$DB
  prod:
    host: \${DB_HOST}
    user: migrator
    auth: iam
    sslmode: verify-full
YAML
unset DB_HOST
expect 0 validate --offline
expect 0 lint
expect 0 new second
expect 0 -e local up
expect 2 -e prod status
contains "$ERR" "tide.yaml:5: host: environment variable DB_HOST is not set"
printf 'default_env: local\n' >>tide.yaml
expect 0 status

scenario "config mistakes are exit 2 with file:line and key, never library text"
printf 'migrations: migrations\n? [a, b]\n: 1\n' >tide.yaml
expect 2 validate --offline
contains "$ERR" "tide.yaml:2: keys must be plain names"
lacks "$ERR" "yaml-cpp"
printf 'lock_timeout: 1s\nretries: 2\nlock_timeout: 2s\n' >tide.yaml
expect 2 validate --offline
contains "$ERR" "tide.yaml:3: duplicate key 'lock_timeout'"
printf 'environments:\n  a:\n    host: x\n    host: y\n' >tide.yaml
expect 2 validate --offline
contains "$ERR" "tide.yaml:4: duplicate key 'host' in environment 'a'"
printf 'table: a.b.c\n' >tide.yaml
expect 2 status
contains "$ERR" "tide.yaml:1: table:"
printf 'lock_timeout: 9999999h\n' >tide.yaml
expect 2 status
contains "$ERR" "tide.yaml:1: lock_timeout: '9999999h' is out of range"
rm tide.yaml
mkdir -p confdir
expect 2 --config confdir status
contains "$ERR" "is a directory"
lacks "$ERR" "basic_filebuf"
long=$(printf 't%.0s' $(seq 1 60))
expect 2 --table "$long" status
contains "$ERR" "--table:"
contains "$ERR" "_history"
expect 2 --lock-wait 9999999h status
contains "$ERR" "out of range"
migration 0001_a.sql <<'SQL'
-- migrate:up lock_timeout:9999999h
SELECT 1;
-- migrate:down statement_timeout:1s statement_timeout:2s
SELECT 2;
SQL
expect 3 validate --offline
contains "$ERR" "0001_a.sql:1: option lock_timeout: '9999999h' is out of range"
contains "$ERR" "0001_a.sql:3: option statement_timeout given twice"

scenario "a wrong or empty migrations directory is a failure, not 'nothing to apply'"
migration 0001_a.sql <<'SQL'
-- migrate:up
CREATE TABLE a (id int);
SQL
expect 0 up
mkdir -p elsewhere
expect 3 --dir elsewhere up
contains "$ERR" "no migration files"
expect 3 --dir elsewhere validate
expect 3 --dir elsewhere validate --offline
contains "$ERR" "elsewhere"
migration 0002_b.sql <<'SQL'
-- migrate:up
CREATE TABLE b (id int);
SQL
cp migrations/0002_b.sql elsewhere/
expect 3 --dir elsewhere up
contains "$ERR" "migration 0001_a is recorded (applied) but no file has version 0001"
equals "$(q "SELECT count(*) FROM pg_tables WHERE tablename = 'b'")" 0
expect 3 --dir elsewhere validate
contains "$ERR" "0001_a"
expect 0 up

scenario "baseline needs an existing version (or --force) and lists what it marked"
for v in 0001 0002 0003; do
  printf -- '-- migrate:up\nSELECT %s;\n' "$v" >"migrations/${v}_m.sql"
done
expect 2 baseline 9999
contains "$ERR" "no migration in migrations has version 9999"
equals "$(q "SELECT count(*) FROM pg_tables WHERE tablename = 'tide_migrations'")" 0
expect 0 baseline 0002
contains "$OUT" "0001_m.sql"
contains "$OUT" "0002_m.sql"
lacks "$OUT" "0003_m.sql"
contains "$OUT" "baselined 2 migrations up to 0002"
expect 0 baseline 9999 --force
contains "$OUT" "0003_m.sql"

scenario "odd files: .SQL, symlink loops, a BOM, invalid UTF-8, COPY FROM stdin"
migration 0001_a.sql <<'SQL'
-- migrate:up
CREATE TABLE a (id int);
SQL
printf -- '-- migrate:up\nSELECT 2;\n' >migrations/0002_b.SQL
expect 3 validate --offline
contains "$ERR" "0002_b.SQL: file name must end in lowercase .sql"
rm migrations/0002_b.SQL
ln -s 0003_loop.sql migrations/0003_loop.sql
expect 3 validate --offline
contains "$ERR" "0003_loop.sql: cannot read file"
lacks "$ERR" "filesystem error"
rm migrations/0003_loop.sql
printf '\xef\xbb\xbf-- migrate:up\nCREATE TABLE bom (id int);\n' >migrations/0004_bom.sql
expect 0 validate --offline
printf -- '-- migrate:up\nSELECT 1;\nSELECT '"'"'caf\xe9'"'"';\n' >migrations/0005_latin1.sql
expect 3 validate --offline
contains "$ERR" "0005_latin1.sql:3: invalid UTF-8"
rm migrations/0005_latin1.sql
migration 0006_copy.sql <<'SQL'
-- migrate:up
CREATE TABLE c (id int);
COPY c FROM stdin;
SQL
expect 3 validate --offline
contains "$ERR" "0006_copy.sql:3: COPY … FROM STDIN"
expect 3 up
equals "$(q "SELECT count(*) FROM pg_tables WHERE tablename = 'c'")" 0
rm migrations/0006_copy.sql
expect 0 up
equals "$(q "SELECT count(*) FROM bom")" 0

scenario "a session terminated mid-statement is reported with file:line and SQLSTATE"
migration 0001_a.sql <<'SQL'
-- migrate:up
CREATE TABLE a (id int);
SELECT pg_terminate_backend(pg_backend_pid());
SQL
expect 1 up
contains "$OUT$ERR" "0001_a.sql:3:"
contains "$OUT$ERR" "SQLSTATE"
lacks "$OUT$ERR" "client encoding"
equals "$(q "SELECT count(*) FROM pg_tables WHERE tablename = 'a'")" 0

scenario "PostgreSQL 16+ syntax: split by the scanner, a warning for lint and validate"
migration 0001_new.sql <<'SQL'
-- migrate:up
CREATE TABLE t (id int);
SELECT * FROM (SELECT 1);
-- migrate:down
DROP TABLE t;
SQL
expect 0 validate --offline
contains "$ERR" "0001_new.sql:3: subquery in FROM must have an alias"
contains "$ERR" "not parsed by the PostgreSQL 15 grammar: lint skipped for this file"
expect 3 validate --offline --strict-parse
contains "$ERR" "0001_new.sql:3:"
expect 0 lint
contains "$OUT" "0001_new.sql:3: warning"
contains "$OUT" "lint skipped for this file"
expect 3 lint --strict-parse
expect 0 up --dry-run
contains "$OUT" "SELECT * FROM (SELECT 1)"
# The server judges: PostgreSQL 15 rejects it, in the transaction, and nothing is recorded.
expect 1 up
contains "$OUT$ERR" "0001_new.sql:3:"
equals "$(q "SELECT count(*) FROM pg_tables WHERE tablename = 't'")" 0

scenario "COMMIT or ROLLBACK inside a transactional section is refused before anything runs"
migration 0001_commit.sql <<'SQL'
-- migrate:expand
CREATE TABLE early (id int);
COMMIT;
CREATE TABLE late (id int);
-- migrate:contract
SELECT 1;
SQL
migration 0002_rollback.sql <<'SQL'
-- migrate:expand
CREATE TABLE r (id int);
ROLLBACK;
SQL
before=$(schema_fingerprint)
for args in "validate --offline" "validate" "up" "up --dry-run" "up --rehearse"; do
  expect 3 $args
  contains "$ERR" "0001_commit.sql:3: COMMIT in a transactional section"
  contains "$ERR" "0002_rollback.sql:3: ROLLBACK in a transactional section"
done
equals "$(schema_fingerprint)" "$before" "nothing applied"
migration 0001_commit.sql <<'SQL'
-- migrate:expand transaction:false
CREATE TABLE early (id int);
BEGIN;
CREATE TABLE late (id int);
COMMIT;
-- migrate:contract
SELECT 1;
SQL
rm migrations/0002_rollback.sql
expect 0 up
equals "$(state_of 0001)" "expanded"
equals "$(q "SELECT count(*) FROM pg_tables WHERE tablename IN ('early', 'late')")" 2

done_suite
