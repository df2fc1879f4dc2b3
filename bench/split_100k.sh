#!/usr/bin/env bash
# tide validate --offline on one migration file of 100,000 statements (SPEC §6: splitting is
# linear in the file's size; "a 100,000-statement file validates in about a second").
# With TIDE_BEFORE=path/to/older/tide, the older build runs in the same session, interleaved
# (before, after, before, after, …), and the ratio is printed.
#   bench/split_100k.sh [TIDE_BINARY]     (default build/release/tide; RUNS=N, RUNS_BEFORE=N, STATEMENTS=N; needs
#   /usr/bin/time and python3)
set -euo pipefail
. "$(dirname "$0")/lib.sh"  # median, reset_table
cd "$(dirname "$0")/.."
TIDE=$(realpath "${1:-build/release/tide}")
BEFORE=${TIDE_BEFORE:+$(realpath "$TIDE_BEFORE")}
STATEMENTS=${STATEMENTS:-100000}
RUNS=${RUNS:-5}
RUNS_BEFORE=${RUNS_BEFORE:-$RUNS}  # the quadratic splitter of older builds takes minutes a run

work=$(mktemp -d /tmp/tide-bench-split.XXXXXX)
trap 'rm -rf "$work"' EXIT
mkdir "$work/migrations"
python3 - "$work/migrations/0001_big.sql" "$STATEMENTS" <<'PY'
import sys
path, n = sys.argv[1], int(sys.argv[2])
with open(path, "w") as f:
    f.write("-- migrate:expand\n")
    for i in range(n):
        # A string with a ';' and a comment: the splitter must not cut there.
        f.write(f"INSERT INTO t (id, body) VALUES ({i}, 'row {i}; not the end'); -- {i}\n")
    f.write("-- migrate:down\nDELETE FROM t;\n")
PY
cd "$work"
echo "split_100k: $STATEMENTS statements in one file ($(du -h migrations/0001_big.sql | cut -f1)), $(nproc) cores, $(date -u +%Y-%m-%dT%H:%MZ), $("$TIDE" --version)"

# measure BINARY: "WALL CPU" seconds of one validate --offline (which must succeed). CPU time
# (user + sys) is far less sensitive to other load on a shared machine than wall time.
measure() {
  /usr/bin/time -f '%e %U %S' -o "$work/time" "$1" validate --offline >/dev/null
  awk '{ printf "%.3f %.3f\n", $1, $2 + $3 }' "$work/time"
}
ratio() { awk -v b="$1" -v a="$2" 'BEGIN { printf "%.1f", b / (a > 0 ? a : 0.001) }'; }

aw=() ac=() bw=() bc=()
for ((i = 1; i <= RUNS; i++)); do
  line="run $i:"
  if [ -n "$BEFORE" ] && ((i <= RUNS_BEFORE)); then
    read -r w c < <(measure "$BEFORE")
    bw+=("$w") bc+=("$c")
    line+="  before ${w}s wall ${c}s cpu"
  fi
  read -r w c < <(measure "$TIDE")
  aw+=("$w") ac+=("$c")
  echo "$line  after ${w}s wall ${c}s cpu"
done
a_w=$(printf '%s\n' "${aw[@]}" | median) a_c=$(printf '%s\n' "${ac[@]}" | median)
echo "median after:  ${a_w}s wall, ${a_c}s cpu"
if [ -n "$BEFORE" ]; then
  b_w=$(printf '%s\n' "${bw[@]}" | median) b_c=$(printf '%s\n' "${bc[@]}" | median)
  echo "median before: ${b_w}s wall, ${b_c}s cpu   before/after: $(ratio "$b_w" "$a_w")x wall, $(ratio "$b_c" "$a_c")x cpu"
fi
