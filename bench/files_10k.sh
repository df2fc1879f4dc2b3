#!/usr/bin/env bash
# tide validate --offline and tide status over 10,000 migration files (SPEC §6: status < 0.2 s,
# validate --offline < 0.3 s). Baseline in the same run: reading the same files with cat (the I/O
# floor); with TIDE_BEFORE=path/to/older/tide, the older build too, interleaved, and it must
# print byte-identical output. Status runs against an empty database (no metadata table):
# bench/noop_up_10k.sh times it against 10,000 records.
#   bench/files_10k.sh [TIDE_BINARY]      (default build/release/tide; RUNS=N, FILES=N)
set -euo pipefail
. "$(dirname "$0")/lib.sh"  # start_bench
cd "$(dirname "$0")/.."
root=$PWD
TIDE=$(realpath "${1:-build/release/tide}")
BEFORE=${TIDE_BEFORE:+$(realpath "$TIDE_BEFORE")}
FILES=${FILES:-10000}
RUNS=${RUNS:-7}

start_bench files
createdb bench
mkdir "$work/migrations"
for ((i = 1; i <= FILES; i++)); do
  printf -- '-- migrate:expand\nALTER TABLE t%d ADD COLUMN c%d text;\n-- migrate:backfill table:t%d batch_size:1000\nUPDATE t%d SET c%d = '"'x'"' WHERE id BETWEEN $1 AND $2;\n-- migrate:contract\nALTER TABLE t%d DROP COLUMN old;\n-- migrate:down\nALTER TABLE t%d DROP COLUMN c%d;\n' \
    "$i" "$i" "$i" "$i" "$i" "$i" "$i" "$i" >"$work/migrations/$(printf '%06d' "$i")_change_$i.sql"
done
cd "$work"
export DATABASE_URL="postgres://postgres@$PGHOST:$PGPORT/bench"
"$TIDE" validate --offline >/dev/null
echo "files_10k: $FILES files ($(du -sh migrations | cut -f1)), $(nproc) cores, $(date -u +%Y-%m-%dT%H:%MZ), $("$TIDE" --version | head -n 1)"
cmds=("cat=sh -c 'cat migrations/* >/dev/null'")
for c in "validate --offline" status; do
  name=${c%% *}
  [ -z "$BEFORE" ] || cmds+=("$name@before=$BEFORE --no-color $c")
  cmds+=("$name@after=$TIDE --no-color $c")
done
python3 "$root/bench/interleave.py" --runs "$RUNS" --warmup 2 --same-output "${cmds[@]}"
