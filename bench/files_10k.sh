#!/usr/bin/env bash
# tide validate --offline and tide status over 10,000 migration files (SPEC §6: "well under a
# second"). Baseline in the same run: reading the same files with cat (the I/O floor).
#   bench/files_10k.sh [TIDE_BINARY]      (default build/release/tide; RUNS=N, FILES=N)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
TIDE=$(realpath "${1:-build/release/tide}")
FILES=${FILES:-10000}
RUNS=${RUNS:-7}
command -v hyperfine >/dev/null || { echo "needs hyperfine (apt-get install hyperfine)" >&2; exit 2; }

work=$(mktemp -d /tmp/tide-bench-files.XXXXXX)
eval "$(scripts/pg start)"
trap '"$root/scripts/pg" stop "$TIDE_PG_DIR"; rm -rf "$work"' EXIT
createdb bench
mkdir "$work/migrations"
for ((i = 1; i <= FILES; i++)); do
  printf -- '-- migrate:expand\nALTER TABLE t%d ADD COLUMN c%d text;\n-- migrate:backfill table:t%d batch_size:1000\nUPDATE t%d SET c%d = '"'x'"' WHERE id BETWEEN $1 AND $2;\n-- migrate:contract\nALTER TABLE t%d DROP COLUMN old;\n-- migrate:down\nALTER TABLE t%d DROP COLUMN c%d;\n' \
    "$i" "$i" "$i" "$i" "$i" "$i" "$i" "$i" >"$work/migrations/$(printf '%06d' "$i")_change_$i.sql"
done
cd "$work"
export DATABASE_URL="postgres://postgres@$PGHOST:$PGPORT/bench"
"$TIDE" validate --offline >/dev/null
echo "files_10k: $FILES files ($(du -sh migrations | cut -f1)), $(nproc) cores, $(date -u +%Y-%m-%dT%H:%MZ), $("$TIDE" --version)"
hyperfine -N --warmup 2 --runs "$RUNS" --export-json results.json \
  -n 'cat (baseline)' "sh -c 'cat migrations/* >/dev/null'" \
  -n 'tide validate --offline' "$TIDE validate --offline" \
  -n 'tide status' "$TIDE status" >/dev/null
python3 - <<'PY'
import json
r = {x["command"]: x for x in json.load(open("results.json"))["results"]}
base = r["cat (baseline)"]["median"]
for name, x in r.items():
    print(f"{name:26s} median {x['median']*1000:7.1f} ms   (min {x['min']*1000:.1f}, max {x['max']*1000:.1f})   {x['median']/base:5.1f}x cat")
PY
