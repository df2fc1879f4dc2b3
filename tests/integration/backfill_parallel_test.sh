#!/usr/bin/env bash
# Parallel keyed backfills (workers:N): kill -9 at any moment and a rerun finishes with every
# row updated exactly once; a worker's lost connection is reconnected; --rehearse stays one
# session and changes nothing.
source "$(dirname "$0")/lib.sh"

# items(id, n): n counts the updates of each row; a trigger counts every UPDATE too.
write_items() {
  local rows=$1 marker=$2
  psql -X -q -d "$DB" -v ON_ERROR_STOP=1 <<SQL
CREATE TABLE items (id bigint PRIMARY KEY, n int NOT NULL DEFAULT 0);
INSERT INTO items (id) SELECT g * 3 FROM generate_series(1, $rows) g;
CREATE TABLE updates (id bigint NOT NULL);
CREATE FUNCTION count_update() RETURNS trigger LANGUAGE plpgsql AS
  \$\$ BEGIN INSERT INTO updates VALUES (NEW.id); RETURN NEW; END \$\$;
CREATE TRIGGER items_counted BEFORE UPDATE ON items FOR EACH ROW EXECUTE FUNCTION count_update();
ANALYZE items;
SQL
  migration 0001_mark_items.sql <<SQL
-- migrate:expand
ALTER TABLE items ADD COLUMN marked boolean;
-- migrate:backfill $marker
UPDATE items SET marked = true, n = n + 1 WHERE id BETWEEN \$1 AND \$2;
-- migrate:down
ALTER TABLE items DROP COLUMN marked;
SQL
}

done_rows() {
  q "SELECT coalesce((SELECT backfill_rows FROM tide_migrations WHERE version = '0001'), 0)
       + coalesce((SELECT sum(rows) FROM tide_migrations_backfill WHERE version = '0001'), 0)" 2>/dev/null || echo 0
}

wait_rows_at_least() {
  for _ in $(seq 600); do
    [ "$(done_rows)" -ge "$1" ] && return 0
    sleep 0.05
  done
  fail "the backfill did not reach $1 rows"
}

every_row_once() {
  equals "$(state_of 0001)" applied
  equals "$(q 'SELECT count(*) FROM items WHERE n <> 1 OR marked IS NOT TRUE')" 0 "rows not updated exactly once"
  equals "$(q 'SELECT count(*) FROM (SELECT id FROM updates GROUP BY id HAVING count(*) <> 1) d')" 0 "rows updated twice (trigger count)"
  equals "$(q 'SELECT count(*) FROM updates')" "$(q 'SELECT count(*) FROM items')"
  equals "$(q 'SELECT count(*) FROM tide_migrations_backfill')" 0 "finished ranges left behind"
}

scenario "workers:4, kill -9 three times mid-run, then a rerun: every row updated exactly once"
write_items 60000 "table:items batch_size:300 batch_sleep:20ms workers:4"
for target in low-water 30000 45000; do
  "$TIDE_BIN" up >"$WORK/bg.out" 2>"$WORK/bg.err" &
  runner=$!
  if [ "$target" = low-water ]; then
    # The first kill once the low-water mark has moved (about a second in).
    for _ in $(seq 600); do
      [ -n "$(q "SELECT backfill_last_key FROM tide_migrations WHERE version = '0001'" 2>/dev/null)" ] && break
      sleep 0.05
    done
  else
    wait_rows_at_least "$target"
  fi
  kill -9 "$runner"
  wait "$runner" 2>/dev/null || true
  # The killed run's sessions end with it (the server notices the closed sockets).
  for _ in $(seq 200); do
    [ "$(q "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'tide'")" = 0 ] && break
    sleep 0.05
  done
  equals "$(state_of 0001)" backfilling
  [ "$(q 'SELECT count(*) FROM items WHERE n = 0')" -gt 0 ] || fail "the backfill finished before the kill"
  equals "$(q 'SELECT count(*) FROM items WHERE n > 1')" 0 "a row updated twice after a kill"
  echo "  killed at $(done_rows) rows; $(q 'SELECT count(*) FROM tide_migrations_backfill') ranges recorded above the low-water mark $(q "SELECT backfill_last_key FROM tide_migrations WHERE version = '0001'")"
done
expect 0 up
contains "$ERR" "resuming after"
every_row_once

scenario "a killed workers:4 run resumes with one session (config backfill_workers: 1 is the default)"
write_items 30000 "table:items batch_size:200 batch_sleep:2ms workers:4"
"$TIDE_BIN" up >"$WORK/bg.out" 2>"$WORK/bg.err" &
runner=$!
wait_rows_at_least 8000
kill -9 "$runner"
wait "$runner" 2>/dev/null || true
sed -i 's/ workers:4//' "$WORK/migrations/0001_mark_items.sql"
expect 0 repair
expect 0 up
every_row_once

scenario "backfill_workers in tide.yaml: a lost worker connection is reconnected and the batch not redone"
write_items 40000 "table:items batch_size:200 batch_sleep:5ms"
cat >"$WORK/tide.yaml" <<YAML
backfill_workers: 3
environments:
  local:
    url: $DATABASE_URL
YAML
"$TIDE_BIN" up >"$WORK/bg.out" 2>"$WORK/bg.err" &
runner=$!
wait_rows_at_least 4000
# A worker's session (not the one holding the migration lock) is terminated.
equals "$(q "SELECT count(pg_terminate_backend(pid)) FROM (SELECT pid FROM pg_stat_activity WHERE application_name = 'tide' AND pid NOT IN (SELECT pid FROM pg_locks WHERE locktype = 'advisory') LIMIT 1) w")" 1
wait "$runner" || fail "tide did not survive: $(cat "$WORK/bg.err")"
contains "$(cat "$WORK/bg.err")" "backfill worker: lost its connection"
every_row_once

scenario "--rehearse with workers:4 rehearses one batch in one session and changes nothing"
write_items 5000 "table:items batch_size:100 workers:4"
before=$(schema_fingerprint)
expect 0 up --rehearse
equals "$(schema_fingerprint)" "$before"
equals "$(q 'SELECT count(*) FROM updates')" 0

scenario "workers: must be 1 to 32, and needs a keyed backfill"
migration 0001_bad.sql <<'SQL'
-- migrate:up
SELECT 1;
-- migrate:backfill table:t workers:0
UPDATE t SET x = 1 WHERE id BETWEEN $1 AND $2;
-- migrate:backfill workers:2
UPDATE t SET x = 1 WHERE x IS NULL AND id IN (SELECT id FROM t WHERE x IS NULL LIMIT 10);
SQL
expect 3 validate --offline
contains "$ERR$OUT" "0001_bad.sql:3: option workers: '0' must be an integer from 1 to 32"
contains "$ERR$OUT" "0001_bad.sql:5: backfill option workers: needs table: (a keyed backfill)"

done_suite
