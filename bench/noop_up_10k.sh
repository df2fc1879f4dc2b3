#!/usr/bin/env bash
# A no-op `tide up` (and `tide status`) against a database with 10,000 applied migrations
# (SPEC §6: no-op up < 0.3 s end to end). Starts its own throwaway server through scripts/pg;
# applies the migrations once (`tide up --contract`, not timed), then times the commands with
# bench/interleave.py. With TIDE_BEFORE=path/to/older/tide, the older build runs interleaved in
# the same session (before, after, before, after, …), must print byte-identical output, and
# the ratios after/before are printed.
#   bench/noop_up_10k.sh [TIDE_BINARY]   (default build/release/tide; RUNS=N, N=files,
#                                         LINT=error|warn|off: tide.yaml's lint gate before up)
set -euo pipefail
. "$(dirname "$0")/lib.sh"  # start_bench
cd "$(dirname "$0")/.."
root=$PWD
TIDE=$(realpath "${1:-build/release/tide}")
BEFORE=${TIDE_BEFORE:+$(realpath "$TIDE_BEFORE")}
N=${N:-10000}
RUNS=${RUNS:-7}
LINT=${LINT:-off}

start_bench noop
createdb bench
mkdir "$work/migrations"
# Groups of four on table t_K: a plain CREATE TABLE; a two-phase change with a keyed backfill;
# an index built CONCURRENTLY (transaction:false); a plain ADD COLUMN with a COMMENT.
for ((i = 1; i <= N; i++)); do
  k=$(((i - 1) / 4))
  f="$work/migrations/$(printf '%06d' "$i")"
  case $(((i - 1) % 4)) in
    0) printf -- '-- migrate:up\nCREATE TABLE t_%d (id bigserial PRIMARY KEY, body text);\n\n-- migrate:down\nDROP TABLE t_%d;\n' \
         "$k" "$k" >"${f}_create_t_$k.sql" ;;
    1) printf -- '-- migrate:expand\nALTER TABLE t_%d ADD COLUMN body_text text;\n\n-- migrate:backfill table:t_%d batch_size:1000\nUPDATE t_%d SET body_text = body WHERE id BETWEEN $1 AND $2;\n\n-- migrate:contract\nALTER TABLE t_%d DROP COLUMN body;\n\n-- migrate:down\nALTER TABLE t_%d DROP COLUMN body_text;\n' \
         "$k" "$k" "$k" "$k" "$k" >"${f}_body_text_t_$k.sql" ;;
    2) printf -- '-- migrate:up transaction:false\nCREATE INDEX CONCURRENTLY t_%d_body_text_idx ON t_%d (body_text);\n\n-- migrate:down transaction:false\nDROP INDEX CONCURRENTLY t_%d_body_text_idx;\n' \
         "$k" "$k" "$k" >"${f}_index_t_$k.sql" ;;
    3) printf -- "-- migrate:up\nALTER TABLE t_%d ADD COLUMN status text NOT NULL DEFAULT 'new';\nCOMMENT ON COLUMN t_%d.status IS 'lifecycle state';\n\n-- migrate:down\nALTER TABLE t_%d DROP COLUMN status;\n" \
         "$k" "$k" "$k" >"${f}_status_t_$k.sql" ;;
  esac
done
cd "$work"
printf 'lint: %s\n' "$LINT" >tide.yaml
export DATABASE_URL="postgres://postgres@$PGHOST:$PGPORT/bench"
start=$(date +%s)
"$TIDE" -q up --contract >/dev/null
applied=$(psql -X -At -d bench -c "SELECT count(*) FROM tide_migrations WHERE state IN ('applied', 'contracted')")
[ "$applied" = "$N" ] || { echo "noop_up_10k: only $applied of $N migrations applied" >&2; exit 1; }
echo "noop_up_10k: $N files ($(du -sh migrations | cut -f1)), $applied applied in $(($(date +%s) - start)) s (setup, not timed); lint: $LINT; PostgreSQL $(psql -X -At -c 'SHOW server_version'); $(nproc) cores; $(date -u +%Y-%m-%dT%H:%MZ); $("$TIDE" --version | head -n 1)"

cmds=()
for c in up status; do
  [ -z "$BEFORE" ] || cmds+=("$c@before=$BEFORE --no-color $c")
  cmds+=("$c@after=$TIDE --no-color $c")
done
python3 "$root/bench/interleave.py" --runs "$RUNS" --same-output "${cmds[@]}"
