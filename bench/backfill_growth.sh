#!/usr/bin/env bash
# Does a keyed backfill keep its speed as the table grows (SPEC §6)? One server, one table that
# grows from 1M to 5M to 10M rows (SIZES); at each size the same keyed backfill
# (batch_size:5000, workers:W) runs RUNS times from the same state (column dropped, vacuumed,
# checkpointed), and the median rows/s is printed per size with its ratio to the smallest size.
#
#   bench/backfill_growth.sh                       SIZES="1000000 5000000 10000000" RUNS=3 W=1
#   W=2 RUNS=3 bench/backfill_growth.sh
#
# Starts its own server through scripts/pg with fsync=on (PG_EXTRA_OPTS as in backfill_10m.sh).
set -euo pipefail
. "$(dirname "$0")/lib.sh"  # median, reset_table, start_bench
cd "$(dirname "$0")/.."
root=$PWD
SIZES=${SIZES:-1000000 5000000 10000000}
RUNS=${RUNS:-3}
W=${W:-1}
TIDE=${TIDE:-$root/build/tide}
export PG_EXTRA_OPTS="${PG_EXTRA_OPTS--c fsync=on}"
[ -x "$TIDE" ] || { echo "backfill_growth: $TIDE not built" >&2; exit 2; }
start_bench growth

psql -X -q -v ON_ERROR_STOP=1 -c "CREATE TABLE messages (id bigserial PRIMARY KEY, body jsonb NOT NULL)"
mkdir -p "$work/migrations"
cat >"$work/migrations/0001_messages_body_text.sql" <<SQL
-- migrate:up
ALTER TABLE messages ADD COLUMN body_text text;

-- migrate:backfill table:messages batch_size:5000 workers:$W
UPDATE messages SET body_text = body->>'text' WHERE id BETWEEN \$1 AND \$2;

-- migrate:down
ALTER TABLE messages DROP COLUMN body_text;
SQL
echo "backfill_growth: sizes $SIZES, $RUNS runs per size, workers:$W, batch_size 5000; $(psql -X -At -c 'SHOW server_version'), fsync=$(psql -X -At -c 'SHOW fsync'); $(nproc) cores; $(date -u +%Y-%m-%dT%H:%MZ)"
have=0 first=
for size in $SIZES; do
  psql -X -q -v ON_ERROR_STOP=1 -c "INSERT INTO messages (body) SELECT jsonb_build_object('text', 'message number ' || g || ' says hello to everyone', 'author', g % 1000, 'n', g) FROM generate_series($have + 1, $size) g" >/dev/null
  have=$size
  reset_table
  # Warm-up: one full UPDATE, as in backfill_10m.sh, so every size starts from a steady state.
  psql -X -q -c "ALTER TABLE messages ADD COLUMN body_text text; UPDATE messages SET body_text = body->>'text'" >/dev/null
  rates=()
  for ((r = 1; r <= RUNS; r++)); do
    reset_table
    t0=$(date +%s.%N)
    "$TIDE" -q --no-color --dir "$work/migrations" up >/dev/null
    t1=$(date +%s.%N)
    rate=$(echo "$size / ($t1 - $t0)" | bc -l)
    printf '  %9d rows, run %d: %6.1fs  %8.0f rows/s\n' "$size" "$r" "$(echo "$t1 - $t0" | bc -l)" "$rate"
    rates+=("$rate")
  done
  m=$(printf '%s\n' "${rates[@]}" | median)
  first=${first:-$m}
  printf '%9d rows: median %8.0f rows/s  (%.2f of the first size)\n' "$size" "$m" "$(echo "$m / $first" | bc -l)"
done
