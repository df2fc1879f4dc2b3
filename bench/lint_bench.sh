#!/usr/bin/env bash
# Generates N migration files (default 10,000) and times linting them: median of RUNS runs.
# Usage: bench/lint_bench.sh [N] [RUNS]
# By default it builds bench/lint_bench.cpp (load and lint timed apart, inside one process). With
# TIDE=path/to/tide it times the `tide lint` command end to end instead (bench/interleave.py), and
# with TIDE_BEFORE=path/to/older/tide too, interleaved, checking that both print the same report.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
n="${1:-10000}" runs="${2:-5}"
dir="$(mktemp -d)"
trap 'rm -rf "$dir"' EXIT
for ((i = 1; i <= n; i++)); do
  v=$(printf '%06d' "$i")
  case $((i % 4)) in
    0) printf -- '-- migrate:expand\nALTER TABLE t%d ADD COLUMN c%d text;\n\n-- migrate:backfill table:t%d\nUPDATE t%d SET c%d = body WHERE id BETWEEN $1 AND $2;\n\n-- migrate:contract\nALTER TABLE t%d DROP COLUMN body;\n' \
         "$i" "$i" "$i" "$i" "$i" "$i" >"$dir/${v}_backfill.sql" ;;
    1) printf -- '-- migrate:up\nCREATE TABLE t%d (\n  id bigint PRIMARY KEY,\n  body text NOT NULL,\n  created_at timestamptz NOT NULL DEFAULT now()\n);\nCREATE INDEX t%d_created_idx ON t%d (created_at);\n\n-- migrate:down\nDROP TABLE t%d;\n' \
         "$i" "$i" "$i" "$i" >"$dir/${v}_create.sql" ;;
    2) printf -- '-- migrate:expand transaction:false\nCREATE INDEX CONCURRENTLY t%d_body_idx ON t%d (body);\n\n-- migrate:down transaction:false\nDROP INDEX CONCURRENTLY t%d_body_idx;\n' \
         "$i" "$i" "$i" >"$dir/${v}_index.sql" ;;
    3) printf -- '-- migrate:up\nALTER TABLE t%d ADD COLUMN flag boolean NOT NULL; -- a finding\nUPDATE t%d SET body = lower(body);\n\n-- migrate:down\nALTER TABLE t%d DROP COLUMN flag;\n' \
         "$i" "$i" "$i" >"$dir/${v}_unsafe.sql" ;;
  esac
done
if [ -n "${TIDE:-}" ]; then
  tide=$(realpath "$TIDE") before=${TIDE_BEFORE:+$(realpath "$TIDE_BEFORE")}
  echo "lint_bench: $n files, $(nproc) cores, $(date -u +%Y-%m-%dT%H:%MZ), $("$tide" --version | head -n 1)"
  cmds=()
  [ -z "$before" ] || cmds+=("lint@before=$before --no-color --dir $dir lint")
  cmds+=("lint@after=$tide --no-color --dir $dir lint")
  # The generated files have error findings: lint exits 3.
  python3 "$root/bench/interleave.py" --runs "$runs" --expect-exit 3 --same-output "${cmds[@]}"
  exit 0
fi
build="$root/build-bench"
cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release -DTIDE_BENCH=ON -DTIDE_TESTS=OFF >/dev/null
cmake --build "$build" --target tide_lint_bench -j2 >/dev/null
"$build/tide_lint_bench" "$dir" "$runs"
