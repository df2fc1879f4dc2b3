#!/usr/bin/env bash
# Keyed backfill vs one big UPDATE (SPEC §6): on messages(id bigserial PRIMARY KEY, body jsonb)
# with ROWS rows, compare
#   (a) psql: ALTER TABLE messages ADD COLUMN body_text text; UPDATE messages SET body_text = body->>'text';
#   (b) tide up of a migration doing the same ADD COLUMN in its expand section and the UPDATE as a
#       keyed backfill (table:messages batch_size:5000, WHERE id BETWEEN $1 AND $2), once per
#       worker count in WORKERS (default "1 2 4": workers:1, workers:2, workers:4).
# Runs are interleaved (a, w1, w2, w4, a, w1, …). Between runs the column and tide's tables are dropped and the
# table is vacuumed and checkpointed, so every run starts from the same state (a warm-up UPDATE
# first brings the table to that steady state: live rows plus the free space of the dead ones).
# Per run it prints the wall time, the longest single transaction of the run (from the server log:
# the tide batches' BEGIN→COMMIT span, i.e. an upper bound on how long a batch holds its row locks;
# for (a) the whole UPDATE), and what a concurrent writer saw: a single psql session issuing
# `UPDATE messages SET hits = hits + 1 WHERE id = <random>` every WRITER_SLEEP seconds during the
# run, its worst and p99 statement latency.
#
#   bench/backfill_10m.sh                          10M rows, 5 runs each of UPDATE, workers 1, 2, 4 (~25-30 min on 2 cores)
#   ROWS=1000000 RUNS=3 BATCH=5000 PG_EXTRA_OPTS='-c fsync=off' bench/backfill_10m.sh
#   ROWS=1000000 WORKERS=1 BACKFILL_OPTS='max_replica_lag:5s' bench/backfill_10m.sh   (throttle on)
#   KEEP_LOG=/tmp/server.log …   keeps the server's log (every statement of the runs, with durations)
#   WAITS=1 …   samples pg_stat_activity every 10 ms during each run and says which wait events
#              the longest transaction's session (and the checkpointer) were seen in
#   TIDE_BEFORE=/path/to/older/tide …   also runs that build with each worker count, interleaved
#                                      (rows "before workers:N"), for a same-run comparison
#
# Starts its own server through scripts/pg; PG_EXTRA_OPTS (default '-c fsync=on') comes after
# scripts/pg's options (which include fsync=off). Needs ~3 GB free in /tmp for 10M rows.
set -euo pipefail
. "$(dirname "$0")/lib.sh"  # median, reset_table
cd "$(dirname "$0")/.."
root=$PWD

ROWS=${ROWS:-10000000}
RUNS=${RUNS:-5}
BATCH=${BATCH:-5000}
WRITER_SLEEP=${WRITER_SLEEP:-0.02}
WORKERS=${WORKERS:-1 2 4}
BACKFILL_OPTS=${BACKFILL_OPTS:-}  # more marker options, e.g. 'max_replica_lag:5s' (the throttle's cost)
TIDE=${TIDE:-$root/build/tide}
TIDE_BEFORE=${TIDE_BEFORE:-}
WAITS=${WAITS:-}
export PG_EXTRA_OPTS="${PG_EXTRA_OPTS--c fsync=on}"
# Logging only (no effect on the work): checkpoints and autovacuum runs show in the server log,
# next to the longest transaction they may have slowed.
PG_EXTRA_OPTS+=" -c log_checkpoints=on -c log_autovacuum_min_duration=0"
[ -x "$TIDE" ] || { echo "backfill_10m: $TIDE not built (cmake --build build)" >&2; exit 2; }
[ -z "$TIDE_BEFORE" ] || [ -x "$TIDE_BEFORE" ] || { echo "backfill_10m: TIDE_BEFORE=$TIDE_BEFORE is not executable" >&2; exit 2; }

need_kb=$((ROWS / 1000 * 300))  # ~300 bytes per row: table twice over, index, WAL
avail_kb=$(df -Pk /tmp | awk 'NR == 2 {print $4}')
[ "$avail_kb" -gt "$need_kb" ] || { echo "backfill_10m: need ~$((need_kb / 1024)) MB free in /tmp, have $((avail_kb / 1024)) MB" >&2; exit 2; }

work=$(mktemp -d /tmp/tide-bench-backfill.XXXXXX)
eval "$(scripts/pg start)"
writer_pid=
cleanup() {
  touch "$work/writer.stop"
  [ -z "${KEEP_LOG:-}" ] || cp "$TIDE_PG_DIR/server.log" "$KEEP_LOG"  # the server log, for a closer look
  scripts/pg stop "$TIDE_PG_DIR"
  rm -rf "$work"
}
trap cleanup EXIT
log="$TIDE_PG_DIR/server.log"

# The migrating sessions log every statement with its duration (role 'bench'); the writer
# (role postgres) does not.
psql -X -q -v ON_ERROR_STOP=1 <<SQL
CREATE ROLE bench LOGIN SUPERUSER;
ALTER ROLE bench SET log_min_duration_statement = 0;
CREATE TABLE messages (id bigserial PRIMARY KEY, body jsonb NOT NULL, hits integer NOT NULL DEFAULT 0);
INSERT INTO messages (body)
  SELECT jsonb_build_object('text', 'message number ' || g || ' says hello to everyone', 'author', g % 1000, 'n', g)
  FROM generate_series(1, $ROWS) g;
VACUUM ANALYZE messages;
SQL

for w in $WORKERS; do
  mkdir -p "$work/migrations_w$w"
  cat >"$work/migrations_w$w/0001_messages_body_text.sql" <<SQL
-- migrate:up
ALTER TABLE messages ADD COLUMN body_text text;

-- migrate:backfill table:messages batch_size:$BATCH workers:$w $BACKFILL_OPTS
UPDATE messages SET body_text = body->>'text' WHERE id BETWEEN \$1 AND \$2;

-- migrate:down
ALTER TABLE messages DROP COLUMN body_text;
SQL
done

big_update="ALTER TABLE messages ADD COLUMN body_text text; UPDATE messages SET body_text = body->>'text';"


check_filled() {
  local missing
  missing=$(psql -X -At -c "SELECT count(*) FROM messages WHERE body_text IS DISTINCT FROM body->>'text'")
  [ "$missing" = 0 ] || { echo "backfill_10m: $missing rows not filled" >&2; exit 1; }
}

# writer_start FILE: one session, one UPDATE of a random row every WRITER_SLEEP s, \timing on,
# until writer_stop creates the stop file (psql then drains its input and exits).
writer_start() {
  rm -f "$work/writer.stop"
  {
    echo '\timing on'
    while [ -d "$work" ] && [ ! -e "$work/writer.stop" ]; do
      echo "UPDATE messages SET hits = hits + 1 WHERE id = $(((RANDOM << 15 | RANDOM) % ROWS + 1));"
      sleep "$WRITER_SLEEP"
    done
  } | psql -X -q -U postgres >"$1" 2>&1 &
  writer_pid=$!
}
writer_stop() {
  touch "$work/writer.stop"
  wait "$writer_pid" || true
  writer_pid=
}
# writer_stats FILE → "count max p99" (ms)
writer_stats() {
  grep -o '^Time: [0-9.]*' "$1" | awk '{print $2}' | sort -g |
    awk '{a[NR] = $1} END {if (NR == 0) {print "0 0 0"; exit} i = int(NR * 0.99); if (i < 1) i = 1; printf "%d %.1f %.1f\n", NR, a[NR], a[i]}'
}

# longest_tx FROM_BYTE → "longest count median p99": the BEGIN→COMMIT spans (ms) of the bench
# role's transactions in the server log since FROM_BYTE (a statement outside BEGIN counts alone);
# the median and p99 of the batches among them.
# Writes what made the longest one long to $work/tx.detail: its slowest statement, the time
# between its statements (the client's own time, or a wait for a CPU), and the checkpoints and
# autovacuum runs the server logged while it ran (and lock waits, with
# PG_EXTRA_OPTS='-c fsync=on -c log_lock_waits=on -c deadlock_timeout=50ms').
longest_tx() {
  tail -c +"$(($1 + 1))" "$log" | DETAIL="$work/tx.detail" WAITS_FILE="${2:-}" python3 -c '
import os, re, sys, datetime
line_re = re.compile(r"^(\S+ \S+) \S+ \[(\d+)\] LOG:  duration: ([0-9.]+) ms  (?:statement|execute [^:]*): (.*)")
event_re = re.compile(r"^(\S+ \S+) \S+ \[\d+\] LOG:  (checkpoint starting|checkpoint complete|automatic (?:vacuum|analyze) of table \S+|process \d+ still waiting for \S+)")
def ms(stamp):
    return datetime.datetime.strptime(stamp, "%Y-%m-%d %H:%M:%S.%f").timestamp() * 1000
begin, spans, events = {}, [], []
for line in sys.stdin:
    e = event_re.match(line)
    if e:
        events.append((ms(e[1]), e[2]))
        continue
    m = line_re.match(line)
    if not m: continue
    ts = ms(m[1])
    pid, dur, sql = m[2], float(m[3]), m[4].strip()
    word = sql.split(None, 1)[0].upper() if sql else ""
    if word.startswith("BEGIN"):
        begin[pid] = [ts - dur, [(dur, sql)]]
    elif pid in begin:
        begin[pid][1].append((dur, sql))
        if word.startswith("COMMIT"):
            start, stmts = begin.pop(pid)
            spans.append((ts - start, start, ts, stmts, pid))
    else:  # autocommit statement: its own transaction
        spans.append((dur, ts - dur, ts, [(dur, sql)], pid))
spans.sort(key=lambda s: s[0])
n = len(spans)
# The median and p99 are over the batches (the transactions that ran the backfill UPDATE), not
# the walk'"'"'s sub-millisecond bounds reads and bookkeeping; the longest is over everything.
batches = [s[0] for s in spans if any(q.upper().startswith("UPDATE MESSAGES") for _, q in s[3])] or [0]
b = len(batches)
print(f"{spans[-1][0]:.0f} {n} {batches[b // 2]:.0f} {batches[max(0, int(b * 0.99) - 1)]:.0f}" if n else "0 0 0 0")
with open(os.environ["DETAIL"], "w") as out:
    if n:
        span, start, end, stmts, pid = spans[-1]
        slow = max(stmts)
        during = sorted({name for at, name in events if start - 1000 <= at <= end})
        # A checkpoint that started earlier and had not completed when the transaction began.
        started = [at for at, name in events if name == "checkpoint starting" and at < start]
        completed = [at for at, name in events if name == "checkpoint complete" and at < start]
        if started and (not completed or max(completed) < max(started)):
            during.insert(0, f"a checkpoint under way (started {(start - max(started)) / 1000:.1f} s before)")
        server = ", ".join(during) or "no checkpoint or autovacuum"
        checkpoints = sum(name == "checkpoint starting" for _, name in events)
        inside = sum(d for d, _ in stmts)
        out.write(f"longest tx {span:.0f} ms: {len(stmts)} statements, {inside:.0f} ms in them "
                  f"(slowest {slow[0]:.0f} ms: {slow[1][:50]}), {span - inside:.0f} ms between them; "
                  f"server within 1 s before and during it: {server}; "
                  f"checkpoints in the run: {checkpoints}\n")
        # With WAITS=1: what the session and the checkpointer were seen waiting on meanwhile.
        waits = {}
        if os.environ.get("WAITS_FILE") and os.path.exists(os.environ["WAITS_FILE"]):
            for row in open(os.environ["WAITS_FILE"]):
                f = row.strip().split("|")
                if len(f) != 4 or not start <= float(f[0]) * 1000 <= end: continue
                who = "session" if f[1] == pid else f[2] if f[2] in ("checkpointer", "walwriter") else None
                if who:
                    counts = waits.setdefault(who, {})
                    counts[f[3]] = counts.get(f[3], 0) + 1
        for who in ("session", "checkpointer", "walwriter"):
            if who in waits:
                seen = ", ".join(f"{e} {n}" for e, n in sorted(waits[who].items(), key=lambda x: -x[1]))
                out.write(f"        {who} seen (10 ms samples): {seen}\n")
'
}

now() { date +%s.%N; }

# waits_start FILE / waits_stop (WAITS=1): one psql session samples, every 10 ms, the wait event
# of the bench role's sessions and of the checkpointer and WAL writer ("epoch|pid|who|event").
waits_pid=
waits_start() {
  [ -n "$WAITS" ] || return 0
  psql -X -At -F'|' -U postgres >"$1" 2>/dev/null <<'SQL' &
SELECT extract(epoch FROM clock_timestamp()), pid, coalesce(nullif(backend_type, 'client backend'), usename), coalesce(wait_event_type || ':' || wait_event, 'CPU') FROM pg_stat_activity WHERE usename = 'bench' OR backend_type IN ('checkpointer', 'walwriter')
\watch 0.01
SQL
  waits_pid=$!
}
waits_stop() {
  [ -n "$waits_pid" ] || return 0
  kill "$waits_pid" 2>/dev/null || true
  wait "$waits_pid" 2>/dev/null || true
  waits_pid=
}

# run_one a|wN|bN (bN: TIDE_BEFORE with workers:N) → "seconds longest_tx_ms transactions writer_count writer_max_ms writer_p99_ms tx_p50_ms tx_p99_ms"
run_one() {
  local side=$1 from t0 t1 wfile="$work/writer.$1.out"
  reset_table
  from=$(stat -c %s "$log")
  writer_start "$wfile"
  waits_start "$work/waits"
  sleep 1  # writer baseline before the migration starts
  t0=$(now)
  if [ "$side" = a ]; then
    psql -X -q -U bench -v ON_ERROR_STOP=1 -c "$big_update" >/dev/null
  else
    local bin=$TIDE
    [ "${side:0:1}" = b ] && bin=$TIDE_BEFORE
    PGUSER=bench "$bin" -q --no-color --dir "$work/migrations_w${side:1}" up >/dev/null
  fi
  t1=$(now)
  sleep 1
  writer_stop
  waits_stop
  check_filled
  longest_tx "$from" "${WAITS:+$work/waits}" >"$work/tx"
  read -r tx_ms tx_count tx_p50 tx_p99 <"$work/tx"
  echo "$(echo "$t1 - $t0" | bc -l) $tx_ms $tx_count $(writer_stats "$wfile") $tx_p50 $tx_p99"
}

pg_version=$(psql -X -At -c 'SHOW server_version')
settings=$(psql -X -At -c "SELECT string_agg(name || '=' || current_setting(name), ', ' ORDER BY name) FROM pg_settings WHERE name IN ('fsync', 'synchronous_commit', 'shared_buffers', 'max_wal_size', 'wal_level')")
size=$(psql -X -At -c "SELECT pg_size_pretty(pg_total_relation_size('messages'))")
echo "backfill_10m: $ROWS rows ($size), batch_size $BATCH, $RUNS interleaved runs each; PostgreSQL $pg_version ($settings); $(nproc) cores; $(date -u +%Y-%m-%dT%H:%MZ)"
echo "tide: $TIDE ($("$TIDE" --version 2>/dev/null || echo '?'))"
[ -z "$TIDE_BEFORE" ] || echo "before: $TIDE_BEFORE ($("$TIDE_BEFORE" --version 2>/dev/null || echo '?'))"
echo "writer: one UPDATE of a random row every ${WRITER_SLEEP}s in one session, during each run"
# Warm-up: one full UPDATE so the table reaches its steady state (live rows + reusable free space).
psql -X -q -c "$big_update" >/dev/null

# One line per run in $work/results: side run wall_s longest_tx_ms tx_count tx_p50 tx_p99
# writer_count writer_max writer_p99 load1 (the 1-minute load average when the run ended).
: >"$work/results"
for ((r = 1; r <= RUNS; r++)); do
  sides="a $(printf 'w%s ' $WORKERS)"
  [ -z "$TIDE_BEFORE" ] || sides+=" $(printf 'b%s ' $WORKERS)"
  for side in $sides; do
    run_one "$side" >"$work/result"
    read -r bt btx btn bwn bwmax bwp99 btx50 btx99 <"$work/result"
    load=$(cut -d' ' -f1 /proc/loadavg)
    echo "$side $r $bt $btx $btn $btx50 $btx99 $bwn $bwmax $bwp99 $load" >>"$work/results"
    if [ "$side" = a ]; then
      printf 'run %d (a) UPDATE:      %7.1fs  longest tx %6s ms (%s tx)   writer: %s stmts, max %s ms, p99 %s ms   load %s\n' \
        "$r" "$bt" "$btx" "$btn" "$bwn" "$bwmax" "$bwp99" "$load"
    else
      label="(b) workers:${side:1}"
      [ "${side:0:1}" = b ] && label="before workers:${side:1}"
      printf 'run %d %-20s %7.1fs  longest tx %6s ms (%s tx; batch median %s ms, p99 %s ms)   writer: %s stmts, max %s ms, p99 %s ms   load %s\n' \
        "$r" "$label" "$bt" "$btx" "$btn" "$btx50" "$btx99" "$bwn" "$bwmax" "$bwp99" "$load"
      printf '      %s\n' "$(cat "$work/tx.detail")"
    fi
  done
done
# The summary, as a table for bench/README.md: medians over the runs, ratios of the medians to
# the UPDATE's, and the worst single value over all runs where the bar is about the worst.
python3 - "$work/results" "$ROWS" "$RUNS" <<'PY'
import statistics, sys
runs = {}
for line in open(sys.argv[1]):
    f = line.split()
    runs.setdefault(f[0], []).append([float(x) for x in f[2:]])
rows, n = int(sys.argv[2]), sys.argv[3]
med = lambda side, i: statistics.median(r[i] for r in runs[side])
top = lambda side, i: max(r[i] for r in runs[side])
loads = [r[8] for side in runs for r in runs[side]]
print(f"\n{rows:,} rows, {n} interleaved runs each (medians; worst of all runs in brackets), "
      f"load average {min(loads):.1f}-{max(loads):.1f}:\n")
print("| | wall | vs UPDATE | longest tx | batch median / p99 | writer worst | writer p99 |")
print("|---|---|---|---|---|---|---|")
base = med("a", 0)
for side in runs:
    label = {"a": "one UPDATE", "w": f"workers:{side[1:]}", "b": f"before workers:{side[1:]}"}[side[0]]
    walls = " / ".join(f"{r[0]:.1f}" for r in runs[side])
    tx = "—" if side == "a" else f"{med(side, 3):.0f} / {med(side, 4):.0f} ms"
    print(f"| {label} | {med(side, 0):.1f} s ({walls}) | {med(side, 0) / base:.2f} | "
          f"{med(side, 1):.0f} ms ({top(side, 1):.0f}) | {tx} | "
          f"{med(side, 6):.1f} ms ({top(side, 6):.1f}) | {med(side, 7):.1f} ms |")
PY
