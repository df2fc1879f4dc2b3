#!/usr/bin/env bash
# Runner overhead (SPEC §6): apply N small plain migrations with `tide up` on a fresh database
# versus one psql session running the same SQL, one transaction and one bookkeeping INSERT per
# migration. Runs are interleaved (psql, tide, psql, tide, …) on the same server; prints each
# run, the medians and the ratio tide/psql (target ≤ 1.2).
#
#   bench/apply_1000.sh                    1000 migrations, 9 runs each, scripts/pg's fsync=off
#   N=1000 RUNS=9 TIDE=build/tide PG_EXTRA_OPTS='-c fsync=on' bench/apply_1000.sh
#   TIDE_BEFORE=/path/to/older/tide bench/apply_1000.sh    also interleave a second build (before/after)
#
# Starts its own throwaway server through scripts/pg (stopped on exit); PG_EXTRA_OPTS is passed to
# the server after scripts/pg's own options. The default keeps scripts/pg's fsync=off: both sides
# commit 1,000 times, so fsync only adds the same cost to each (pulling the ratio towards 1) and, on
# a shared disk, makes wall times bimodal; fsync=off is the stricter measure of runner overhead.
# Besides wall time it prints CPU time (client + server backend), much less sensitive to noise.
set -euo pipefail
. "$(dirname "$0")/lib.sh"  # median, reset_table, start_bench
cd "$(dirname "$0")/.."
root=$PWD

N=${N:-1000}
RUNS=${RUNS:-9}
TIDE=${TIDE:-$root/build/tide}
export PG_EXTRA_OPTS="${PG_EXTRA_OPTS:-}"
[ -x "$TIDE" ] || { echo "apply_1000: $TIDE not built (cmake --build build)" >&2; exit 2; }

start_bench apply

# ---- migrations: groups of four on table t_K: create, add column, index, add column with default
mig="$work/migrations"
mkdir -p "$mig"
for ((i = 1; i <= N; i++)); do
  k=$(((i - 1) / 4))
  v=$(printf '%04d' "$i")
  case $(((i - 1) % 4)) in
    0) up="CREATE TABLE t_$k (id bigserial PRIMARY KEY, name text NOT NULL, created_at timestamptz NOT NULL DEFAULT now());"
       down="DROP TABLE t_$k;" slug="create_t_$k" ;;
    1) up="ALTER TABLE t_$k ADD COLUMN score integer;"
       down="ALTER TABLE t_$k DROP COLUMN score;" slug="add_score_t_$k" ;;
    2) up="CREATE INDEX t_${k}_score_idx ON t_$k (score);"
       down="DROP INDEX t_${k}_score_idx;" slug="index_score_t_$k" ;;
    3) up="ALTER TABLE t_$k ADD COLUMN status text NOT NULL DEFAULT 'new';
COMMENT ON COLUMN t_$k.status IS 'lifecycle state';"
       down="ALTER TABLE t_$k DROP COLUMN status;" slug="add_status_t_$k" ;;
  esac
  printf -- '-- migrate:up\n%s\n\n-- migrate:down\n%s\n' "$up" "$down" >"$mig/${v}_${slug}.sql"
done

# ---- the psql side: the same SQL, BEGIN; SQL; one INSERT; COMMIT per migration. The metadata
# table has the shape of tide_migrations (created up front, as tide creates its own).
script="$work/psql.sql"
{
  cat <<'SQL'
\set ON_ERROR_STOP 1
CREATE TABLE bench_migrations (
  version text PRIMARY KEY, name text NOT NULL, checksum text NOT NULL, state text NOT NULL,
  backfill_section integer NOT NULL DEFAULT 0, backfill_last_key text,
  backfill_rows bigint NOT NULL DEFAULT 0, expanded_at timestamptz, expand_ms bigint,
  contracted_at timestamptz, contract_ms bigint, failed_from text, error text,
  applied_by text NOT NULL DEFAULT current_user, client_host text, tool_version text,
  updated_at timestamptz NOT NULL DEFAULT clock_timestamp());
SQL
  for f in "$mig"/*.sql; do
    base=$(basename "$f" .sql)
    sum=$(sha256sum "$f" | cut -d' ' -f1)
    echo "BEGIN;"
    sed -n '/^-- migrate:up/,/^-- migrate:down/{/^-- migrate:/d;/^$/d;p}' "$f"
    echo "INSERT INTO bench_migrations (version, name, checksum, state, expanded_at, expand_ms, client_host, tool_version) VALUES ('${base%%_*}', '${base#*_}', '$sum', 'applied', clock_timestamp(), 0, 'bench', 'psql');"
    echo "COMMIT;"
  done
} >"$script"

# measure CMD… → "wall_s client_cpu_s server_cpu_s": wall time; CPU of the command and its
# children; CPU of the server (postmaster, its live children, and the backends it reaped, which
# includes the command's own backend: the CPU figure is much less sensitive to a noisy machine).
cat >"$work/measure.py" <<'PY'
import os, resource, subprocess, sys, time
pm = int(open(os.path.join(os.environ["TIDE_PG_DIR"], "data", "postmaster.pid")).readline())
tick = os.sysconf("SC_CLK_TCK")
def fields(pid):
    s = open(f"/proc/{pid}/stat").read()
    return s[s.rindex(")") + 2:].split()
def server_cpu():
    f = fields(pm)
    total = sum(int(x) for x in f[11:15])  # utime stime cutime cstime
    for d in os.listdir("/proc"):
        if d.isdigit():
            try:
                c = fields(d)
                if int(c[1]) == pm:
                    total += int(c[11]) + int(c[12])
            except (OSError, IndexError):
                pass
    return total / tick
time.sleep(0.2)
s0 = server_cpu()
t0 = time.monotonic()
subprocess.run(sys.argv[1:], check=True, stdout=subprocess.DEVNULL)
t1 = time.monotonic()
time.sleep(0.3)  # let the postmaster reap the backend
s1 = server_cpu()
ru = resource.getrusage(resource.RUSAGE_CHILDREN)
print(f"{t1 - t0:.4f} {ru.ru_utime + ru.ru_stime:.3f} {s1 - s0:.3f}")
PY
db=0
fresh_db() { db=$((db + 1)); psql -X -q -c "CREATE DATABASE bench_$db" >/dev/null; echo "bench_$db"; }
drop_db() { psql -X -q -c "DROP DATABASE $1" >/dev/null; }

run_psql() {
  local d out
  d=$(fresh_db)
  out=$(python3 "$work/measure.py" psql -X -q -d "$d" -f "$script")
  [ "$(psql -X -At -d "$d" -c 'SELECT count(*) FROM bench_migrations')" = "$N" ] || { echo "psql run incomplete" >&2; exit 1; }
  drop_db "$d"
  echo "$out"
}

run_tide() {  # run_tide BINARY
  local d out
  d=$(fresh_db)
  out=$(PGDATABASE=$d python3 "$work/measure.py" "$1" -q --no-color --dir "$mig" up)
  [ "$(psql -X -At -d "$d" -c "SELECT count(*) FROM tide_migrations WHERE state = 'applied'")" = "$N" ] || { echo "tide run incomplete" >&2; exit 1; }
  drop_db "$d"
  echo "$out"
}


pg_version=$(psql -X -At -c 'SHOW server_version')
fsync=$(psql -X -At -c 'SHOW fsync')
sync_commit=$(psql -X -At -c 'SHOW synchronous_commit')
echo "apply_1000: $N migrations, $RUNS interleaved runs each; PostgreSQL $pg_version, fsync=$fsync, synchronous_commit=$sync_commit, $(nproc) cores; $(date -u +%Y-%m-%dT%H:%MZ)"
run_psql >/dev/null  # warm-up (caches, catalog), not counted
run_tide "$TIDE" >/dev/null
[ -z "${TIDE_BEFORE:-}" ] || run_tide "$TIDE_BEFORE" >/dev/null
pw=() pc=() tw=() tc=() bw=() bc=()
for ((r = 1; r <= RUNS; r++)); do
  read -r pwall pclient pserver < <(run_psql)
  read -r twall tclient tserver < <(run_tide "$TIDE")
  pw+=("$pwall") tw+=("$twall")
  pc+=("$(echo "$pclient + $pserver" | bc -l)") tc+=("$(echo "$tclient + $tserver" | bc -l)")
  line=$(printf 'run %d: psql %.3fs (cpu %.2fs client + %.2fs server)  tide %.3fs (cpu %.2fs + %.2fs, wall ratio %.2f)' \
    "$r" "$pwall" "$pclient" "$pserver" "$twall" "$tclient" "$tserver" "$(echo "$twall / $pwall" | bc -l)")
  if [ -n "${TIDE_BEFORE:-}" ]; then
    read -r bwall bclient bserver < <(run_tide "$TIDE_BEFORE")
    bw+=("$bwall") bc+=("$(echo "$bclient + $bserver" | bc -l)")
    line+=$(printf '  before %.3fs (cpu %.2fs + %.2fs, wall ratio %.2f)' "$bwall" "$bclient" "$bserver" "$(echo "$bwall / $pwall" | bc -l)")
  fi
  echo "$line"
done
stat() {  # stat LABEL psql_values… -- tide_values…
  local name=$1 p=() t=()
  shift
  while [ "$1" != -- ]; do p+=("$1"); shift; done
  shift
  t=("$@")
  local pm tm pmin tmin
  pm=$(printf '%s\n' "${p[@]}" | median) tm=$(printf '%s\n' "${t[@]}" | median)
  pmin=$(printf '%s\n' "${p[@]}" | sort -g | head -n 1) tmin=$(printf '%s\n' "${t[@]}" | sort -g | head -n 1)
  printf '%-12s median: psql %.3fs  tide %.3fs  ratio tide/psql %.2f   (best: %.3fs vs %.3fs, ratio %.2f)\n' \
    "$name" "$pm" "$tm" "$(echo "$tm / $pm" | bc -l)" "$pmin" "$tmin" "$(echo "$tmin / $pmin" | bc -l)"
}
stat wall "${pw[@]}" -- "${tw[@]}"
stat cpu "${pc[@]}" -- "${tc[@]}"
if [ -n "${TIDE_BEFORE:-}" ]; then
  stat "before wall" "${pw[@]}" -- "${bw[@]}"
  stat "before cpu" "${pc[@]}" -- "${bc[@]}"
fi
echo "target: wall ratio <= 1.2"
