# Shell helpers the bench scripts share (sourced, not run).

# The median of the numbers on stdin, one per line.
median() { sort -g | awk '{a[NR] = $1} END {print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2}'; }

# The backfill benches' table back to its state before a run: tide's tables and the new column
# gone, the table vacuumed and checkpointed (psql with the PG* variables of the bench's server).
reset_table() {
  psql -X -q -v ON_ERROR_STOP=1 >/dev/null <<'SQL'
SET client_min_messages = warning;
DROP TABLE IF EXISTS tide_migrations, tide_migrations_history, tide_migrations_backfill;
ALTER TABLE messages DROP COLUMN IF EXISTS body_text;
VACUUM ANALYZE messages;
CHECKPOINT;
SQL
}

# A work directory ($work, /tmp/tide-bench-NAME.*) and a throwaway server (scripts/pg start: its
# PG* variables exported, PG_EXTRA_OPTS honoured), both gone when the script exits.
start_bench() {
  local pg
  pg="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/scripts/pg"
  work=$(mktemp -d "/tmp/tide-bench-$1.XXXXXX")
  eval "$("$pg" start)"
  trap "'$pg' stop \"\$TIDE_PG_DIR\"; rm -rf \"\$work\"" EXIT
}
