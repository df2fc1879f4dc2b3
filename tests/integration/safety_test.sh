#!/usr/bin/env bash
# What protects a shared database: the lock, previews that change nothing, failed
# non-transactional steps, bad targets, and secrets that never leak.
source "$(dirname "$0")/lib.sh"

scenario "a second runner waits for the lock, then exits 4 naming the holder"
migration 0001_slow.sql <<'SQL'
-- migrate:up
CREATE TABLE slow (id int);
SELECT pg_sleep(4);
SQL
"$TIDE_BIN" up >"$WORK/first.out" 2>&1 &
first=$!
for _ in $(seq 50); do
  [ "$(q "SELECT count(*) FROM pg_stat_activity WHERE query LIKE 'SELECT pg_sleep(4)%'")" = 1 ] && break
  sleep 0.1
done
expect 4 --lock-wait 1s up
contains "$ERR" "migration lock not acquired within 1s"
contains "$ERR" "held by pid"
contains "$ERR" "application_name 'tide'"
wait "$first" || fail "first runner failed: $(cat "$WORK/first.out")"
equals "$(state_of 0001)" applied

scenario "the second runner goes on once the first finishes"
migration 0001_slow.sql <<'SQL'
-- migrate:up
CREATE TABLE slow (id int);
SELECT pg_sleep(2);
SQL
"$TIDE_BIN" up >"$WORK/first.out" 2>&1 &
first=$!
sleep 0.5
expect 0 --lock-wait 30s up
wait "$first"
equals "$(q 'SELECT count(*) FROM tide_migrations_history')" 1

scenario "--dry-run leaves the database unchanged, not even creating the metadata table"
migration 0001_users.sql <<'SQL'
-- migrate:up
CREATE TABLE users (id bigserial PRIMARY KEY, email text);
CREATE INDEX users_email ON users (email);
-- migrate:down
DROP TABLE users;
SQL
before=$(schema_fingerprint)
expect 0 up --dry-run
contains "$OUT" "CREATE TABLE users"
contains "$OUT" "BEGIN;"
equals "$(schema_fingerprint)" "$before" "schema after up --dry-run"
expect 0 up --dry-run --format json
python3 -c 'import json,sys; d=json.load(sys.stdin); assert d["steps"][0]["statements"][1]["line"] == 3, d' <<<"$OUT" ||
  fail "dry-run json"
equals "$(schema_fingerprint)" "$before" "schema after up --dry-run --format json"
# The printed plan is a script psql runs as it is.
"$TIDE_BIN" up --dry-run >plan.sql
psql -X -q -v ON_ERROR_STOP=1 -d "$DB" -f plan.sql >/dev/null || fail "psql could not run the plan"
equals "$(q "SELECT count(*) FROM pg_tables WHERE tablename = 'users'")" 1
psql -X -q -d "$DB" -c "DROP TABLE users"
expect 0 up
before=$(schema_fingerprint)
expect 0 down --dry-run
contains "$OUT" "DROP TABLE users"
equals "$(schema_fingerprint)" "$before" "schema after down --dry-run"

scenario "a failed transaction:false step is recorded as failed and blocks until repair"
migration 0001_base.sql <<'SQL'
-- migrate:up
CREATE TABLE items (id int PRIMARY KEY, sku text);
INSERT INTO items VALUES (1, 'a'), (2, 'a');
SQL
migration 0002_index.sql <<'SQL'
-- migrate:up transaction:false
CREATE INDEX CONCURRENTLY items_id ON items (id);
CREATE UNIQUE INDEX CONCURRENTLY items_sku ON items (sku);
-- migrate:down transaction:false
DROP INDEX CONCURRENTLY IF EXISTS items_sku;
DROP INDEX CONCURRENTLY IF EXISTS items_id;
SQL
expect 1 up
contains "$OUT" "migrations/0002_index.sql:3"
equals "$(state_of 0002)" failed
equals "$(q "SELECT count(*) FROM pg_indexes WHERE indexname = 'items_id'")" 1
expect 3 up
contains "$ERR" "failed part-way"
expect 3 down
expect 0 status
contains "$OUT" "failed"
# The operator fixes the data and drops the half-built index, then repairs.
psql -X -q -d "$DB" -c "UPDATE items SET sku = 'b' WHERE id = 2; DROP INDEX items_sku; DROP INDEX items_id"
expect 0 repair
contains "$OUT" "failed -> pending"
expect 0 up
equals "$(state_of 0002)" applied
expect 0 down
equals "$(q "SELECT count(*) FROM pg_indexes WHERE tablename = 'items' AND indexname <> 'items_pkey'")" 0

scenario "connection refused is a clear message, and passwords never show"
migration 0001_x.sql <<'SQL'
-- migrate:up
SELECT 1;
SQL
expect 2 --url "postgres://admin:s3cr3t-pw@127.0.0.1:1/nowhere" up
contains "$ERR" "cannot connect to admin@127.0.0.1:1/nowhere"
lacks "$ERR$OUT" "s3cr3t-pw"
expect 2 --url "postgres://admin:s3cr3t-pw@127.0.0.1:1/nowhere" --log-format json -vv status
lacks "$ERR$OUT" "s3cr3t-pw"
python3 -c 'import json,sys; [json.loads(l) for l in sys.stdin if l.strip()]' <<<"$ERR" || fail "json logs"
expect 2 --url "not a url" status
expect 2 status --url
(
  unset DATABASE_URL PGHOST PGDATABASE
  expect 2 status
  contains "$ERR" "no database to connect to"
)

scenario "a password in the URL is used but never printed, dry-run included"
role="app_$$_$SCENARIOS"  # roles are cluster-wide: one per run
psql -X -q -d "$DB" -c "CREATE ROLE $role LOGIN PASSWORD 'hunter2-secret'"
migration 0001_x.sql <<'SQL'
-- migrate:up
SELECT 1;
SQL
export DATABASE_URL="postgres://$role:hunter2-secret@$PGHOST:$PGPORT/$DB"
expect 0 -vv up --dry-run
lacks "$ERR$OUT" "hunter2-secret"
contains "$OUT" "$role@$PGHOST"

scenario "a read-only target is refused for changes"
migration 0001_x.sql <<'SQL'
-- migrate:up
CREATE TABLE x (id int);
SQL
expect 0 up --dry-run
psql -X -q -d "$DB" -c "ALTER DATABASE $DB SET default_transaction_read_only = on"
expect 2 up
contains "$ERR" "read-only server"
contains "$ERR" "transaction_read_only is on"
contains "$ERR" "connect to the writer"
expect 2 up --rehearse
expect 0 up --dry-run
psql -X -q -d postgres -c "ALTER DATABASE $DB SET default_transaction_read_only = off"

scenario "a session lost after the lock is taken, before the first step: reconnect, plan again, run"
migration 0001_a.sql <<'SQL'
-- migrate:up
CREATE TABLE a (id int);
SQL
expect 0 up
migration 0002_b.sql <<'SQL'
-- migrate:up
CREATE TABLE b (id int);
SQL
# Another session holds the metadata table, so tide's read of the records waits after tide has
# taken the migration lock; then tide's session is terminated while it waits.
psql -X -q -d "$DB" -c "BEGIN; LOCK TABLE tide_migrations IN ACCESS EXCLUSIVE MODE; SELECT pg_sleep(30)" \
  >/dev/null 2>&1 &
holder=$!
for _ in $(seq 100); do
  [ "$(q "SELECT count(*) FROM pg_locks WHERE relation = 'tide_migrations'::regclass AND mode = 'AccessExclusiveLock' AND granted")" = 1 ] && break
  sleep 0.05
done
"$TIDE_BIN" up >"$WORK/up.out" 2>"$WORK/up.err" &
up=$!
waiting="SELECT pid FROM pg_stat_activity WHERE application_name = 'tide' AND wait_event_type = 'Lock' AND query LIKE 'SELECT version, name, checksum, state%'"
for _ in $(seq 200); do
  [ -n "$(q "$waiting")" ] && break
  sleep 0.05
done
[ -n "$(q "$waiting")" ] || fail "tide never waited on the records: $(cat "$WORK/up.err")"
q "SELECT pg_terminate_backend(pid) FROM ($waiting) w" >/dev/null
q "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query LIKE '%LOCK TABLE tide_migrations%' AND pid <> pg_backend_pid()" >/dev/null
wait "$holder" 2>/dev/null || true
rc=0
wait "$up" || rc=$?
equals "$rc" 0 "tide up after losing its session before the first step: $(cat "$WORK/up.err")"
contains "$(cat "$WORK/up.err")" "before the first step"
equals "$(state_of 0002)" applied
equals "$(q "SELECT count(*) FROM tide_migrations_history WHERE version = '0002'")" 1

done_suite
