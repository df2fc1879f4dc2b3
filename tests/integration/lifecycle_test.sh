#!/usr/bin/env bash
# The zero-downtime lifecycle: expand, backfill, deploy, contract; resumable backfills,
# lock-timeout retries, rehearsals and a read-only standby.
source "$(dirname "$0")/lib.sh"

# A populated table whose column is split the expand/contract way.
write_split_messages() {
  local rows=$1 batch=$2 sleep=${3:-0}
  psql -X -q -d "$DB" -v ON_ERROR_STOP=1 <<SQL
CREATE TABLE messages (id bigserial PRIMARY KEY, body jsonb NOT NULL, n int NOT NULL DEFAULT 0);
INSERT INTO messages (body) SELECT jsonb_build_object('text', 'hello ' || g) FROM generate_series(1, $rows) g;
ANALYZE messages;
SQL
  migration 0001_split_body.sql <<SQL
-- migrate:expand
ALTER TABLE messages ADD COLUMN body_text text;
-- migrate:backfill table:messages batch_size:$batch batch_sleep:$sleep
UPDATE messages SET body_text = body->>'text', n = n + 1 WHERE id BETWEEN \$1 AND \$2;
-- migrate:contract
ALTER TABLE messages DROP COLUMN body;
-- migrate:down
ALTER TABLE messages DROP COLUMN body_text;
SQL
}

# Waits (up to 10 s) until the backfill of 0001 has recorded at least N rows.
wait_for_backfill_rows() {
  local done_rows
  for _ in $(seq 200); do
    done_rows=$(q "SELECT coalesce((SELECT backfill_rows FROM tide_migrations WHERE version = '0001'), 0)" 2>/dev/null || echo 0)
    [ "$done_rows" -ge "$1" ] && return 0
    sleep 0.05
  done
  fail "the backfill did not reach $1 rows"
}

# Starts `tide up` of a 60,000-row keyed backfill in the background ($runner) and returns once
# 5,000 rows are done, so a scenario can disturb it mid-way.
start_slow_backfill() {
  write_split_messages 60000 500 5ms
  "$TIDE_BIN" up >"$WORK/bg.out" 2>"$WORK/bg.err" &
  runner=$!
  wait_for_backfill_rows 5000
}

# The background run finished by itself, logged LOG_TEXT on the way, and did every row once.
expect_backfill_survived() {
  wait "$runner" || fail "tide did not survive: $(cat "$WORK/bg.err")"
  contains "$(cat "$WORK/bg.err")" "$1"
  equals "$(state_of 0001)" expanded
  equals "$(q 'SELECT count(*) FROM messages WHERE n <> 1 OR body_text IS NULL')" 0
}

# A table `hot` whose ACCESS EXCLUSIVE lock another session holds for SECONDS (in the
# background; its pid is in $holder), and a migration that needs that lock.
hold_hot_table() {
  psql -X -q -d "$DB" -c "CREATE TABLE hot (id int)"
  migration 0001_alter_hot.sql <<'SQL'
-- migrate:up lock_timeout:200ms
ALTER TABLE hot ADD COLUMN extra int;
SQL
  psql -X -q -d "$DB" -c "BEGIN; LOCK TABLE hot IN ACCESS EXCLUSIVE MODE; SELECT pg_sleep($1); COMMIT;" >/dev/null &
  holder=$!
  for _ in $(seq 100); do
    [ "$(q "SELECT count(*) FROM pg_locks WHERE relation = 'hot'::regclass AND mode = 'AccessExclusiveLock' AND granted")" = 1 ] && return 0
    sleep 0.05
  done
  fail "the lock on hot was not taken"
}

scenario "expand + keyed backfill, then contract after the deploy"
write_split_messages 12345 1000
expect 0 up
contains "$OUT" "(12345 rows)"
equals "$(state_of 0001)" expanded
equals "$(q 'SELECT count(*) FROM messages WHERE body_text IS NULL')" 0
equals "$(q 'SELECT min(n)::text || max(n) FROM messages')" 11
expect 5 status --fail-on-pending
contains "$OUT" "expanded"
expect 0 contract --dry-run
contains "$OUT" "DROP COLUMN body"
expect 0 contract
equals "$(state_of 0001)" contracted
equals "$(q "SELECT count(*) FROM information_schema.columns WHERE table_name = 'messages' AND column_name = 'body'")" 0
expect 0 status --fail-on-pending
expect 3 down
contains "$ERR" "contracted"
equals "$(state_of 0001)" contracted

scenario "down reverts an expanded migration; up --contract does both phases"
write_split_messages 100 30
expect 0 up
expect 0 down
equals "$(state_of 0001)" ""
equals "$(q "SELECT count(*) FROM information_schema.columns WHERE column_name = 'body_text'")" 0
expect 0 up --contract
equals "$(state_of 0001)" contracted

scenario "a plain backfill repeats until no row changes, each row exactly once"
psql -X -q -d "$DB" -c "CREATE TABLE t (id int PRIMARY KEY, n int NOT NULL DEFAULT 0); INSERT INTO t (id) SELECT generate_series(1, 2500)"
migration 0001_fill.sql <<'SQL'
-- migrate:expand
ALTER TABLE t ADD COLUMN filled boolean;
-- migrate:backfill
UPDATE t SET filled = true, n = n + 1 WHERE id IN (SELECT id FROM t WHERE filled IS NULL LIMIT 1000);
-- migrate:down
ALTER TABLE t DROP COLUMN filled;
SQL
expect 0 up
contains "$OUT" "(2500 rows)"
equals "$(state_of 0001)" applied
equals "$(q 'SELECT count(*) FROM t WHERE n <> 1')" 0

scenario "backfill batches: no wait for the WAL flush, pages written back as they go, one session and workers alike"
# Each batch's transaction runs with synchronous_commit = off (the batch and its progress record
# are lost together or not at all) and backend_flush_after = 256kB (a backfill's dirty pages do
# not pile up in the kernel until a checkpoint's fsync); docs/expand-contract.md. A
# backend_flush_after set for the role or database (here the database) is left alone.
psql -X -q -d "$DB" -c "CREATE TABLE t (id int PRIMARY KEY); INSERT INTO t SELECT generate_series(1, 3000)"
settings="current_setting('synchronous_commit') || ' ' || current_setting('backend_flush_after')"
for w in 1 3; do
  migration "000${w}_settings_$w.sql" <<SQL
-- migrate:expand
ALTER TABLE t ADD COLUMN s_$w text;
-- migrate:backfill table:t batch_size:500 workers:$w
UPDATE t SET s_$w = $settings WHERE id BETWEEN \$1 AND \$2;
-- migrate:contract
SELECT 1;
-- migrate:down
ALTER TABLE t DROP COLUMN s_$w;
SQL
done
expect 0 up
equals "$(q "SELECT count(*) FROM t WHERE s_1 = 'off 256kB' AND s_3 = 'off 256kB'")" 3000
equals "$(state_of 0001)" expanded
equals "$(state_of 0003)" expanded
migration "0004_settings_chosen.sql" <<SQL
-- migrate:expand
ALTER TABLE t ADD COLUMN s_4 text;
-- migrate:backfill table:t batch_size:500 workers:2
UPDATE t SET s_4 = $settings WHERE id BETWEEN \$1 AND \$2;
-- migrate:down
ALTER TABLE t DROP COLUMN s_4;
SQL
psql -X -q -d "$DB" -c "ALTER DATABASE \"$DB\" SET backend_flush_after = '64kB'"
expect 0 up
equals "$(q "SELECT count(*) FROM t WHERE s_4 = 'off 64kB'")" 3000

scenario "kill -9 during a backfill, then a rerun resumes: no row twice, none skipped"
start_slow_backfill
kill -9 "$runner"
wait "$runner" 2>/dev/null || true
equals "$(state_of 0001)" backfilling
last_key=$(q "SELECT backfill_last_key FROM tide_migrations WHERE version = '0001'")
[ -n "$last_key" ] || fail "no last key recorded"
[ "$(q 'SELECT count(*) FROM messages WHERE body_text IS NULL')" -gt 0 ] || fail "the backfill finished before the kill"
expect 0 status
contains "$OUT" "backfilling"
expect 0 up --dry-run
contains "$OUT" "resumes after key"
expect 0 up
contains "$ERR" "resuming after"
equals "$(state_of 0001)" expanded
equals "$(q 'SELECT count(*) FROM messages WHERE n <> 1 OR body_text IS NULL')" 0

scenario "a lost connection during a backfill reconnects, takes the lock again and finishes"
start_slow_backfill
equals "$(q "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE application_name = 'tide'")" 1
expect_backfill_survived "reconnecting"

scenario "after a failover turned the old writer read-only (25006), the backfill reconnects and finishes"
start_slow_backfill
# New sessions of this database are read-only, as on a demoted Aurora writer; drop tide's session.
psql -X -q -d postgres -c "ALTER DATABASE $DB SET default_transaction_read_only = on"
q "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'tide'" >/dev/null
sleep 1.5
psql -X -q -d postgres -c "ALTER DATABASE $DB RESET default_transaction_read_only"
expect_backfill_survived "read-only"

scenario "SIGTERM during a backfill: the batch finishes, exit 143, progress saved, a rerun resumes"
start_slow_backfill
kill -TERM "$runner"
set +e
wait "$runner"
rc=$?
set -e
equals "$rc" 143 "exit code after SIGTERM: $(cat "$WORK/bg.err")"
contains "$(cat "$WORK/bg.err")" "interrupted: progress saved at 0001_split_body.sql backfill after"
contains "$(cat "$WORK/bg.err")" "rerun \`tide up\` to resume"
equals "$(state_of 0001)" backfilling
expect 0 up
equals "$(q 'SELECT count(*) FROM messages WHERE n <> 1 OR body_text IS NULL')" 0

scenario "SIGINT during a plain step: the step finishes, the next does not start, exit 130"
migration 0001_slow.sql <<'SQL'
-- migrate:up
CREATE TABLE slow (id int);
SELECT pg_sleep(1.5);
SQL
migration 0002_next.sql <<'SQL'
-- migrate:up
CREATE TABLE next (id int);
SQL
"$TIDE_BIN" up >"$WORK/bg.out" 2>"$WORK/bg.err" &
runner=$!
for _ in $(seq 200); do
  [ "$(q "SELECT count(*) FROM pg_stat_activity WHERE query LIKE '%pg_sleep(1.5)%' AND pid <> pg_backend_pid()")" = 1 ] && break
  sleep 0.05
done
kill -INT "$runner"
set +e
wait "$runner"
rc=$?
set -e
equals "$rc" 130 "exit code after SIGINT: $(cat "$WORK/bg.err")"
contains "$(cat "$WORK/bg.err")" "interrupted: progress saved at 0002_next.sql expand (not started)"
equals "$(state_of 0001)" applied
equals "$(state_of 0002)" ""
expect 0 up
equals "$(state_of 0002)" applied

scenario "a keyed backfill whose key is nullable, not unique or missing is refused before any change, dry-run too"
psql -X -q -d "$DB" -v ON_ERROR_STOP=1 <<'SQL'
CREATE TABLE loose (id bigint PRIMARY KEY, ext bigint, grp int NOT NULL);
INSERT INTO loose SELECT g, CASE WHEN g % 3 = 0 THEN NULL ELSE g END, g % 10 FROM generate_series(1, 3000) g;
CREATE UNIQUE INDEX loose_ext ON loose (ext);
CREATE TABLE nopk (id int);
SQL
migration 0001_nullable.sql <<'SQL'
-- migrate:expand
ALTER TABLE loose ADD COLUMN done boolean;

-- migrate:backfill table:loose key:ext batch_size:500
UPDATE loose SET done = true WHERE ext BETWEEN $1 AND $2;
SQL
no_done_column() {
  equals "$(q "SELECT count(*) FROM information_schema.columns WHERE table_name = 'loose' AND column_name = 'done'")" 0 "the expand ran"
  equals "$(state_of 0001)" "" "state after a refused up"
}
expect 3 up --dry-run
contains "$ERR" "migrations/0001_nullable.sql:4: backfill table:loose key:ext: key column loose.ext is nullable"
expect 3 up
contains "$ERR" "migrations/0001_nullable.sql:4"
no_done_column
migration 0001_nullable.sql <<'SQL'
-- migrate:expand
ALTER TABLE loose ADD COLUMN done boolean;
-- migrate:backfill table:loose key:grp
UPDATE loose SET done = true WHERE grp BETWEEN $1 AND $2;
-- migrate:backfill table:missing
UPDATE missing SET x = 1 WHERE id BETWEEN $1 AND $2;
-- migrate:backfill table:nopk
UPDATE nopk SET id = id WHERE id BETWEEN $1 AND $2;
-- migrate:backfill table:loose key:nope
UPDATE loose SET done = true WHERE id BETWEEN $1 AND $2;
SQL
expect 3 up --dry-run
contains "$ERR" "4 problems"
contains "$ERR" "0001_nullable.sql:3: backfill table:loose key:grp: key column loose.grp is not unique"
contains "$ERR" "0001_nullable.sql:5: backfill table:missing: table missing does not exist"
contains "$ERR" "0001_nullable.sql:7: backfill table:nopk: table nopk has no primary key"
contains "$ERR" "0001_nullable.sql:9: backfill table:loose key:nope: table loose has no column nope"
expect 3 up
no_done_column

scenario "a backfill on a table its own expand creates is checked inside the expand's transaction"
migration 0001_made_here.sql <<'SQL'
-- migrate:expand
CREATE TABLE made (id bigint PRIMARY KEY, v int);
INSERT INTO made SELECT g, NULL FROM generate_series(1, 1000) g;
-- migrate:backfill table:made batch_size:300
UPDATE made SET v = 1 WHERE id BETWEEN $1 AND $2;
SQL
expect 0 up --dry-run
expect 0 up
equals "$(q 'SELECT count(*) FROM made WHERE v IS NULL')" 0
migration 0002_keyless.sql <<'SQL'
-- migrate:expand
CREATE TABLE keyless (id bigint, v int);
INSERT INTO keyless SELECT g, NULL FROM generate_series(1, 1000) g;
-- migrate:backfill table:keyless
UPDATE keyless SET v = 1 WHERE id BETWEEN $1 AND $2;
SQL
expect 3 up
contains "$OUT$ERR" "0002_keyless.sql:4: backfill table:keyless: table keyless has no primary key"
equals "$(state_of 0002)" ""
equals "$(q "SELECT to_regclass('keyless') IS NULL")" t "the expand was rolled back"

scenario "a held lock makes tide retry, then succeed once it is released"
hold_hot_table 1.5
expect 0 up
contains "$ERR" "lock timeout (try 1 of 6)"
contains "$OUT" "tries"
wait "$holder"
equals "$(state_of 0001)" applied

scenario "with --retries 0 a held lock fails cleanly and records nothing"
hold_hot_table 2
expect 1 up --retries 0
contains "$OUT" "55P03"
contains "$OUT" "0001_alter_hot.sql:2"
equals "$(state_of 0001)" ""
wait "$holder"

scenario "--rehearse runs every step, rolls everything back and reports the failing statement"
psql -X -q -d "$DB" -c "CREATE TABLE t (id int PRIMARY KEY); INSERT INTO t SELECT generate_series(1, 100)"
migration 0001_add.sql <<'SQL'
-- migrate:expand
ALTER TABLE t ADD COLUMN v int;
-- migrate:backfill table:t batch_size:10
UPDATE t SET v = id WHERE id BETWEEN $1 AND $2;
-- migrate:contract
ALTER TABLE t ALTER COLUMN v SET NOT NULL;
SQL
migration 0002_uses_previous.sql <<'SQL'
-- migrate:up
CREATE INDEX t_v ON t (v);
SQL
migration 0003_index.sql <<'SQL'
-- migrate:up transaction:false
CREATE INDEX CONCURRENTLY t_v2 ON t (v);
SQL
migration 0004_broken.sql <<'SQL'
-- migrate:up
SELECT 1;
ALTER TABLE nope ADD COLUMN x int;
SQL
before=$(schema_fingerprint)
expect 1 up --rehearse --contract
contains "$OUT" "0002_uses_previous"
contains "$OUT" "not rehearsed"
contains "$OUT" "0004_broken.sql:3"
lacks "$(grep 0002_uses_previous <<<"$OUT")" "failed"
equals "$(schema_fingerprint)" "$before" "schema after --rehearse"
expect 1 up --rehearse --format json
python3 -c '
import json, sys
d = json.load(sys.stdin)
outcomes = [(s["version"], s["phase"], s["outcome"]) for s in d["steps"]]
assert outcomes == [("0001","expand","ok"),("0001","backfill","ok"),("0002","expand","ok"),
                    ("0003","expand","not rehearsed"),("0004","expand","failed")], outcomes
assert d["steps"][1]["rows"] == 10, d
' <<<"$OUT" || fail "rehearse json: $OUT"

scenario "--dry-run JSON lists every phase with its SQL and batching"
write_split_messages 10 5
migration 0002_more.sql <<'SQL'
-- migrate:up transaction:false statement_timeout:1m
CREATE INDEX CONCURRENTLY messages_n ON messages (n);
SQL
expect 0 up --contract --dry-run --format json
python3 -c '
import json, sys
d = json.load(sys.stdin)
assert d["command"] == "up" and d["dry_run"] is True
phases = [(s["version"], s["phase"], s["transactional"]) for s in d["steps"]]
assert phases == [("0001","expand",True),("0001","backfill",True),("0001","contract",True),("0002","expand",False)], phases
bf = d["steps"][1]
assert bf["backfill"]["mode"] == "keyed" and bf["backfill"]["batch_size"] == 5 and bf["backfill"]["table"] == "messages"
assert "$1" in bf["statements"][0]["sql"] and bf["statements"][0]["line"] == 4
assert d["steps"][3]["statement_timeout_ms"] == 60000
' <<<"$OUT" || fail "dry-run json: $OUT"
expect 0 contract --dry-run --format json
expect 0 down --dry-run --format json

scenario "a read-only standby is refused with a pointer to the writer"
migration 0001_x.sql <<'SQL'
-- migrate:up
CREATE TABLE x (id int);
SQL
expect 0 up
standby="$TIDE_PG_DIR/standby-$$"
as_pg() { if [ "$(id -u)" -eq 0 ]; then runuser -u tide-pg -- "$@"; else "$@"; fi; }
bindir=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
as_pg "$bindir/pg_basebackup" -h "$PGHOST" -p "$PGPORT" -U postgres -D "$standby" -R -X stream -c fast >/dev/null
sport=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
as_pg "$bindir/pg_ctl" -D "$standby" -l "$standby.log" -w -t 300 start -o "-p $sport -k $TIDE_PG_DIR -c listen_addresses=127.0.0.1 -c max_connections=200" >/dev/null
trap 'as_pg "$bindir/pg_ctl" -D "$standby" -m immediate stop >/dev/null 2>&1 || true; rm -rf "$standby" "$standby.log"' EXIT
migration 0002_y.sql <<'SQL'
-- migrate:up
CREATE TABLE y (id int);
SQL
export DATABASE_URL="postgres://postgres@127.0.0.1:$sport/$DB"
expect 2 up
contains "$ERR" "read-only server"
contains "$ERR" "writer"
expect 2 contract
expect 2 down
expect 0 status
contains "$OUT" "pending"
expect 0 up --dry-run
as_pg "$bindir/pg_ctl" -D "$standby" -m fast -w stop >/dev/null

done_suite
