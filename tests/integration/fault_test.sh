#!/usr/bin/env bash
# Faults at random moments: kill -9 of tide, server crashes (stop -m immediate, restart),
# terminated sessions (during a step, a batch and a lock wait), a second runner taking over,
# and PgBouncer in transaction and session mode. After every fault the invariants hold: each
# migration's effects are present iff it is recorded, no row is touched twice (counter
# columns), and a rerun finishes the work. The random moments come from the seed printed
# first; TIDE_FAULT_SEED=N replays them.
# The suite crashes its server, so it always starts a private one (and its own PgBouncer).
# Release pass only: it mostly waits on servers; the reconnect and interrupt paths it drives
# also run under the sanitizers in lifecycle_test.
# tide-test: release-only
unset PGPORT PGHOST
source "$(dirname "$0")/lib.sh"

SEED=${TIDE_FAULT_SEED:-$((($(date +%s%N) / 1000) % 1000000))}
RANDOM=$SEED
echo "fault: seed $SEED (replay with TIDE_FAULT_SEED=$SEED)"
KILLS=0 CRASHES=0 TAKEOVERS=0 TERMINATIONS=0 REPAIRS=0 ROWS=3000
PG_BIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
BOUNCER_DIR=""

as_pg() { if [ "$(id -u)" -eq 0 ]; then runuser -u tide-pg -- "$@"; else "$@"; fi; }
cleanup() {
  [ -n "$BOUNCER_DIR" ] && [ -f "$BOUNCER_DIR/pid" ] && kill "$(cat "$BOUNCER_DIR/pid")" 2>/dev/null
  "$TIDE_SOURCE_DIR/scripts/pg" stop "$TIDE_PG_DIR"
}
trap cleanup EXIT

sleep_ms() { sleep "$(printf '%d.%03d' $(($1 / 1000)) $(($1 % 1000)))"; }
crash_server() {
  as_pg "$PG_BIN/pg_ctl" -D "$TIDE_PG_DIR/data" -m immediate -w stop >/dev/null
  CRASHES=$((CRASHES + 1))
}
# pg_ctl restart starts a stopped server again with the options it last ran with.
restart_server() {
  as_pg "$PG_BIN/pg_ctl" -D "$TIDE_PG_DIR/data" -l "$TIDE_PG_DIR/server.log" -w -t 120 restart >/dev/null 2>&1 ||
    fail "the server did not come back: $(tail -5 "$TIDE_PG_DIR/server.log")"
}
# Terminates tide's sessions on the scenario's database other than the lock holder's when
# "waiter" is given, else the lock holder's; prints how many.
terminate_tide() {
  local which="IN"
  [ "${1:-}" = waiter ] && which="NOT IN"
  q "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = current_database()
     AND application_name = 'tide' AND pid $which (SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND granted)"
}
# Waits (bounded) until SQL prints something other than 0/empty/f.
wait_for() {
  local v
  for _ in $(seq 400); do
    v=$(q "$1" 2>/dev/null || true)
    [ -n "$v" ] && [ "$v" != 0 ] && [ "$v" != f ] && return 0
    sleep 0.05
  done
  fail "timed out waiting for: $1"
}
# SQL: the rows the keyed backfill of 0003 has recorded so far.
BACKFILLED="coalesce((SELECT backfill_rows FROM tide_migrations WHERE version = '0003' AND state = 'backfilling'), 0)"

# The workload: a plain migration, a transaction:false index, a keyed backfill with contract, a
# plain backfill and a last plain migration. Each transactional part also writes a row to fx,
# so "applied twice" shows; n and k count how often each row was updated.
write_workload() {
  local sleep=${1:-5ms}
  psql -X -q -d "$DB" -v ON_ERROR_STOP=1 <<SQL
CREATE TABLE fx (version text NOT NULL);
CREATE TABLE accounts (id bigint PRIMARY KEY, n int NOT NULL DEFAULT 0, k int NOT NULL DEFAULT 0, old int);
INSERT INTO accounts (id) SELECT generate_series(1, $ROWS);
ANALYZE accounts;
SQL
  migration 0001_plain.sql <<'SQL'
-- migrate:up
CREATE TABLE t1 (id int);
INSERT INTO fx VALUES ('0001');
SELECT pg_sleep(0.05);
SQL
  migration 0002_index.sql <<'SQL'
-- migrate:up transaction:false
CREATE INDEX CONCURRENTLY IF NOT EXISTS accounts_k ON accounts (k);
SELECT pg_sleep(0.05);
SQL
  migration 0003_label.sql <<SQL
-- migrate:expand
ALTER TABLE accounts ADD COLUMN label text;
INSERT INTO fx VALUES ('0003');
-- migrate:backfill table:accounts batch_size:150 batch_sleep:$sleep
UPDATE accounts SET label = 'a' || id, n = n + 1 WHERE id BETWEEN \$1 AND \$2;
-- migrate:contract
ALTER TABLE accounts DROP COLUMN old;
INSERT INTO fx VALUES ('0003c');
SELECT pg_sleep(0.05);
SQL
  migration 0004_flag.sql <<'SQL'
-- migrate:expand
ALTER TABLE accounts ADD COLUMN flag boolean;
INSERT INTO fx VALUES ('0004');
-- migrate:backfill
UPDATE accounts SET flag = true, k = k + 1 WHERE id IN (SELECT id FROM accounts WHERE flag IS NULL ORDER BY id LIMIT 200);
SQL
  migration 0005_tail.sql <<'SQL'
-- migrate:up
INSERT INTO fx VALUES ('0005');
SELECT pg_sleep(0.05);
SQL
}

fx() { q "SELECT count(*) FROM fx WHERE version = '$1'"; }
has_column() { q "SELECT count(*) FROM information_schema.columns WHERE table_name = 'accounts' AND column_name = '$1'"; }

# The invariants, after any fault. A `failed` transaction:false step is what an operator
# repairs: drop what it half-built, `tide repair`, rerun.
check_invariants() {
  local s1 s2 s3 s4 s5
  s2=$(state_of 0002 2>/dev/null || true)
  if [ "$s2" = failed ]; then
    q "DROP INDEX IF EXISTS accounts_k" >/dev/null
    expect 0 repair
    REPAIRS=$((REPAIRS + 1))
    s2=$(state_of 0002)
  fi
  s1=$(state_of 0001 2>/dev/null || true) s3=$(state_of 0003 2>/dev/null || true)
  s4=$(state_of 0004 2>/dev/null || true) s5=$(state_of 0005 2>/dev/null || true)
  local where="states [$s1|$s2|$s3|$s4|$s5] seed $SEED"
  case "$s1" in
    applied) equals "$(fx 0001)$(q "SELECT to_regclass('t1') IS NOT NULL")" 1t "0001 effects, $where" ;;
    "") equals "$(fx 0001)$(q "SELECT to_regclass('t1') IS NOT NULL")" 0f "0001 effects, $where" ;;
    *) fail "0001 in state $s1, $where" ;;
  esac
  case "$s2" in
    applied) equals "$(q "SELECT count(*) FROM pg_index WHERE indexrelid = to_regclass('accounts_k') AND indisvalid")" 1 "0002 index, $where" ;;
    "") equals "$(q "SELECT count(*) FROM pg_class WHERE relname = 'accounts_k'")" 0 "0002 index, $where" ;;
    *) fail "0002 in state $s2, $where" ;;
  esac
  case "$s3" in
    backfilling | expanded | contracted) equals "$(fx 0003)$(has_column label)" 11 "0003 expand, $where" ;;
    "") equals "$(fx 0003)$(has_column label)" 00 "0003 expand, $where" ;;
    *) fail "0003 in state $s3, $where" ;;
  esac
  if [ "$s3" = contracted ]; then
    equals "$(fx 0003c)$(has_column old)" 10 "0003 contract, $where"
  else
    equals "$(fx 0003c)$(has_column old)" 01 "0003 contract, $where"
  fi
  equals "$(q 'SELECT count(*) FROM accounts WHERE n > 1 OR k > 1')" 0 "rows updated twice, $where"
  if [ "$s3" = expanded ] || [ "$s3" = contracted ]; then
    equals "$(q 'SELECT count(*) FROM accounts WHERE n <> 1 OR label IS NULL')" 0 "0003 backfill complete, $where"
  fi
  case "$s4" in
    applied) equals "$(fx 0004)$(q 'SELECT count(*) FROM accounts WHERE k <> 1 OR flag IS NULL')" 10 "0004, $where" ;;
    backfilling) equals "$(fx 0004)$(has_column flag)" 11 "0004 expand, $where" ;;
    "") equals "$(fx 0004)$(has_column flag)" 00 "0004 expand, $where" ;;
    *) fail "0004 in state $s4, $where" ;;
  esac
  case "$s5" in
    applied) equals "$(fx 0005)" 1 "0005, $where" ;;
    "") equals "$(fx 0005)" 0 "0005, $where" ;;
    *) fail "0005 in state $s5, $where" ;;
  esac
  [ "$s5" = applied ] && [ "$s3" = contracted ]
}

# Reruns `tide up --contract` until everything is done (a failed step is repaired first).
finish_workload() {
  for _ in 1 2 3; do
    check_invariants && return 0
    run "$@" up --contract
    [ "$RC" = 0 ] || [ "$RC" = 1 ] || fail "rerun exited $RC: $ERR"
  done
  check_invariants || fail "the work did not finish after reruns (seed $SEED)"
}

# Runs `tide up --contract` in the background; $bg is its pid.
start_up() {
  "$TIDE_BIN" "$@" up --contract >"$WORK/bg.out" 2>"$WORK/bg.err" &
  bg=$!
}
# Waits for the background run; its exit code is in $BG_RC. Never a crash.
wait_bg() {
  set +e
  wait "$bg"
  BG_RC=$?
  set -e
  if grep -qE 'terminate called|Segmentation|AddressSanitizer|runtime error:' "$WORK/bg.err" ||
    { [ "$BG_RC" -ge 128 ] && [ "$BG_RC" != 137 ]; }; then
    fail "tide crashed (exit $BG_RC, seed $SEED):\n$(cat "$WORK/bg.err")"
  fi
}

scenario "a clean run of the workload (its duration spreads the kills below over it)"
write_workload
started=$(date +%s%N)
expect 0 up --contract
RUN_MS=$((($(date +%s%N) - started) / 1000000))
check_invariants || fail "the workload did not finish: $ERR"
echo "fault: a clean run takes ${RUN_MS}ms"

target_kills=${TIDE_FAULT_KILLS:-20}
while [ "$KILLS" -lt "$target_kills" ]; do
  scenario "kill -9 at random moments (round from kill $KILLS)"
  write_workload
  for _ in $(seq 8); do
    start_up
    sleep_ms $((RANDOM % (RUN_MS + 50)))
    if kill -9 "$bg" 2>/dev/null; then KILLS=$((KILLS + 1)); fi
    wait "$bg" 2>/dev/null || true
    check_invariants && break
  done
  finish_workload
done

scenario "a server crash mid-run: tide reconnects when it is back and finishes"
for round in 1 2 3; do
  [ "$round" = 1 ] || scenario "a server crash mid-run (round $round)"
  write_workload
  start_up
  sleep_ms $((200 + RANDOM % 1500))
  crash_server
  sleep_ms $((300 + RANDOM % 2500))
  restart_server
  wait_bg
  if [ "$BG_RC" != 0 ]; then
    # Only a transaction:false step cut in the middle may stop the run (recorded failed).
    equals "$BG_RC:$(state_of 0002)" "1:failed" "exit code after a crash: $(cat "$WORK/bg.err")"
  fi
  finish_workload
done

scenario "the server stays down longer than --reconnect-timeout: exit 1, progress saved, no crash"
write_workload 20ms
start_up --reconnect-timeout 2s
wait_for "SELECT $BACKFILLED >= 300"
crash_server
wait_bg
restart_server
equals "$BG_RC" 1 "exit code with the server down: $(cat "$WORK/bg.err")"
contains "$(cat "$WORK/bg.out")" "could not reconnect"
contains "$(cat "$WORK/bg.out")" "progress is saved: rerun \`tide up\` to resume"
check_invariants || true
equals "$(state_of 0003)" backfilling
finish_workload

scenario "sessions terminated during steps and batches at random moments: tide reconnects and finishes"
for round in 1 2 3; do
  [ "$round" = 1 ] || scenario "sessions terminated at random moments (round $round)"
  write_workload
  start_up
  for _ in 1 2 3; do
    sleep_ms $((100 + RANDOM % 600))
    TERMINATIONS=$((TERMINATIONS + $(terminate_tide)))
  done
  wait_bg
  if [ "$BG_RC" != 0 ]; then
    equals "$BG_RC:$(state_of 0002)" "1:failed" "exit code after terminations: $(cat "$WORK/bg.err")"
  fi
  finish_workload
done

scenario "a runner waiting for the lock loses its session: it reconnects and keeps waiting"
write_workload 20ms
start_up
first=$bg
wait_for "SELECT $BACKFILLED > 0 OR (SELECT count(*) FROM tide_migrations) > 0"
"$TIDE_BIN" --lock-wait 60s up --contract >"$WORK/second.out" 2>"$WORK/second.err" &
second=$!
wait_for "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'tide' AND pid NOT IN (SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND granted)"
TERMINATIONS=$((TERMINATIONS + $(terminate_tide waiter)))
bg=$first wait_bg
equals "$BG_RC" 0 "first runner: $(cat "$WORK/bg.err")"
wait "$second" || fail "the waiting runner failed: $(cat "$WORK/second.err")"
check_invariants || fail "not finished"

scenario "takeover: A stopped and its session killed, B finishes, A resumes and redoes nothing"
write_workload 20ms
start_up
a=$bg
wait_for "SELECT $BACKFILLED >= 300"
kill -STOP "$a"
terminate_tide >/dev/null
TAKEOVERS=$((TAKEOVERS + 1))
expect 0 --lock-wait 60s up --contract
check_invariants || fail "B did not finish the work"
kill -CONT "$a"
bg=$a wait_bg
equals "$BG_RC" 0 "A after the takeover: $(cat "$WORK/bg.err")"
contains "$(cat "$WORK/bg.err")" "not run again"
check_invariants || fail "A changed the finished work"

scenario "takeover races: A's session dies while B waits for the lock"
for round in 1 2 3; do
  [ "$round" = 1 ] || scenario "takeover race (round $round)"
  write_workload 10ms
  start_up
  a=$bg
  wait_for "SELECT count(*) FROM tide_migrations WHERE version = '0001'"
  "$TIDE_BIN" --lock-wait 60s up --contract >"$WORK/b.out" 2>"$WORK/b.err" &
  b=$!
  wait_for "SELECT count(*) >= 2 FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'tide'"
  sleep_ms $((RANDOM % 800))
  TERMINATIONS=$((TERMINATIONS + $(terminate_tide)))
  TAKEOVERS=$((TAKEOVERS + 1))
  bg=$a wait_bg
  a_rc=$BG_RC
  bg=$b wait_bg
  [ "$a_rc" = 0 ] || equals "$a_rc:$(state_of 0002)" "1:failed" "runner A: $(cat "$WORK/bg.err")"
  [ "$BG_RC" = 0 ] || equals "$BG_RC:$(state_of 0002)" "1:failed" "runner B: $(cat "$WORK/b.err")"
  finish_workload
done

# PgBouncer, started on a loopback port as the server's unprivileged user.
start_bouncer() {
  BOUNCER_DIR=$(mktemp -d /tmp/tide-bouncer.XXXXXX)
  BOUNCER_PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  echo '"postgres" ""' >"$BOUNCER_DIR/users.txt"
  cat >"$BOUNCER_DIR/pgbouncer.ini" <<INI
[databases]
* = host=127.0.0.1 port=$PGPORT
[pgbouncer]
listen_addr = 127.0.0.1
listen_port = $BOUNCER_PORT
unix_socket_dir =
auth_type = trust
auth_file = $BOUNCER_DIR/users.txt
pool_mode = $1
default_pool_size = 40
max_client_conn = 200
logfile = $BOUNCER_DIR/pgbouncer.log
pidfile = $BOUNCER_DIR/pid
INI
  [ "$(id -u)" -eq 0 ] && chown -R tide-pg "$BOUNCER_DIR"
  as_pg pgbouncer -d "$BOUNCER_DIR/pgbouncer.ini" || fail "pgbouncer did not start"
  for _ in $(seq 100); do
    psql -X -q -h 127.0.0.1 -p "$BOUNCER_PORT" -d "$DB" -c 'SELECT 1' >/dev/null 2>&1 && return 0
    sleep 0.1
  done
  fail "pgbouncer did not answer: $(cat "$BOUNCER_DIR/pgbouncer.log")"
}
stop_bouncer() {
  local pid
  pid=$(cat "$BOUNCER_DIR/pid")
  kill "$pid"
  for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.05; done
  rm -rf "$BOUNCER_DIR"
  BOUNCER_DIR=""
}
# Starts N runners through the pooler at once; their exit codes end up in $WORK/runner.N.rc.
race_runners() {
  local n=$1 pids=()
  for i in $(seq "$n"); do
    (
      rc=0
      "$TIDE_BIN" --url "postgres://postgres@127.0.0.1:$BOUNCER_PORT/$DB" --lock-wait 120s up --contract \
        >"$WORK/runner.$i.out" 2>"$WORK/runner.$i.err" || rc=$?
      echo "$rc" >"$WORK/runner.$i.rc"
    ) &
    pids+=($!)
  done
  wait "${pids[@]}" || true
}

scenario "PgBouncer in transaction mode: 8 runners all refuse (exit 2) before changing anything"
write_workload
start_bouncer transaction
race_runners 8
for i in $(seq 8); do
  equals "$(cat "$WORK/runner.$i.rc")" 2 "runner $i through a transaction pooler: $(cat "$WORK/runner.$i.err")"
  contains "$(cat "$WORK/runner.$i.err")" "connect directly"
done
equals "$(q "SELECT to_regclass('tide_migrations') IS NULL")" t "metadata table created through the pooler"
equals "$(q 'SELECT count(*) FROM fx')" 0 "effects through the pooler"
equals "$(q "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory'")" 0 "advisory locks left on pooled connections"
stop_bouncer

scenario "PgBouncer in session mode: 8 racing runners do everything exactly once; a killed one leaves no lock"
write_workload
start_bouncer session
race_runners 8
for i in $(seq 8); do
  equals "$(cat "$WORK/runner.$i.rc")" 0 "runner $i through a session pooler: $(cat "$WORK/runner.$i.err")"
done
check_invariants || fail "not finished through the session pooler"
equals "$(q "SELECT count(*) FROM fx")" 5 "each effect once"
psql -X -q -d "$DB" -c "DROP TABLE tide_migrations, tide_migrations_history, fx, accounts, t1" >/dev/null
write_workload 20ms
"$TIDE_BIN" --url "postgres://postgres@127.0.0.1:$BOUNCER_PORT/$DB" up --contract >"$WORK/bg.out" 2>"$WORK/bg.err" &
bg=$!
wait_for "SELECT $BACKFILLED > 0"
kill -9 "$bg" && KILLS=$((KILLS + 1))
wait "$bg" 2>/dev/null || true
run --url "postgres://postgres@127.0.0.1:$BOUNCER_PORT/$DB" --lock-wait 10s up --contract
equals "$RC" 0 "rerun through the session pooler after a kill: $ERR"
check_invariants || fail "not finished"
stop_bouncer

echo "fault: seed $SEED: $KILLS kills, $CRASHES server crashes, $TERMINATIONS sessions terminated, $TAKEOVERS takeovers tried, $REPAIRS failed steps repaired"
done_suite
