#!/usr/bin/env bash
# tide-test: release-only
# Replica-lag throttling against a real local standby whose replay is delayed
# (recovery_min_apply_delay): the backfill pauses while the lag is over max_replica_lag and goes
# on once the standby caught up; after max_throttle of pausing it stops with progress saved
# (exit 1) and a rerun resumes. Mostly waits on the standby, so it runs in the release pass only.
source "$(dirname "$0")/lib.sh"

as_pg() { if [ "$(id -u)" -eq 0 ]; then runuser -u tide-pg -- "$@"; else "$@"; fi; }
bindir=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
standby="$TIDE_PG_DIR/standby-throttle-$$"
previous_trap=$(trap -p EXIT | sed -E "s/^trap -- '(.*)' EXIT$/\1/")
stop_standby() { as_pg "$bindir/pg_ctl" -D "$standby" -m immediate stop >/dev/null 2>&1 || true; rm -rf "$standby" "$standby.log"; }
trap "stop_standby; $previous_trap" EXIT
as_pg "$bindir/pg_basebackup" -h "$PGHOST" -p "$PGPORT" -U postgres -D "$standby" -R -X stream -c fast >/dev/null
sport=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
name="tide_throttle_$$"
as_pg "$bindir/pg_ctl" -D "$standby" -l "$standby.log" -w -t 300 start -o "-p $sport -k $TIDE_PG_DIR -c listen_addresses=127.0.0.1 -c cluster_name=$name -c recovery_min_apply_delay=2s -c wal_receiver_status_interval=1s -c max_connections=200" >/dev/null || { cat "$standby.log" >&2; fail "the standby did not start"; }
for _ in $(seq 600); do
  [ "$(psql -X -At -d postgres -c "SELECT count(*) FROM pg_stat_replication WHERE application_name = '$name' AND state = 'streaming'")" = 1 ] && break
  sleep 0.1
done

write_items() {
  local rows=$1 marker=$2
  psql -X -q -d "$DB" -v ON_ERROR_STOP=1 <<SQL
CREATE TABLE items (id bigint PRIMARY KEY, n int NOT NULL DEFAULT 0);
INSERT INTO items (id) SELECT g FROM generate_series(1, $rows) g;
SQL
  migration 0001_mark_items.sql <<SQL
-- migrate:expand
ALTER TABLE items ADD COLUMN marked boolean;
-- migrate:backfill $marker
UPDATE items SET marked = true, n = n + 1 WHERE id BETWEEN \$1 AND \$2;
SQL
}

scenario "a standby replaying 2 s late: the backfill is throttled, then released, and finishes"
write_items 3000 "table:items batch_size:100 batch_sleep:200ms max_replica_lag:1s max_throttle:5m"
expect 0 up
contains "$ERR" "throttled: replica lag"
contains "$ERR" "> 1 s (standby $name)"
contains "$ERR" "throttle released"
equals "$(state_of 0001)" applied
equals "$(q 'SELECT count(*) FROM items WHERE n <> 1 OR marked IS NOT TRUE')" 0

scenario "throttled longer than max_throttle: stops with progress saved (exit 1); a rerun resumes"
write_items 4000 "table:items batch_size:100 batch_sleep:200ms workers:2"
cat >"$WORK/tide.yaml" <<YAML
max_replica_lag: 1s
max_throttle: 500ms
environments:
  local:
    url: $DATABASE_URL
YAML
# The standby first replays this scenario's setup, and its lag then shows as caught up (NULL or
# under the limit). Waiting for the lag alone is not enough: a NULL from the idle time before
# the setup can pass the wait, and the setup's replay, 2 s late, then throttles the first batch.
setup_lsn=$(psql -X -At -d postgres -c "SELECT pg_current_wal_lsn()")
for _ in $(seq 600); do
  [ "$(psql -X -At -d postgres -c "SELECT count(*) FROM pg_stat_replication WHERE application_name = '$name' AND replay_lsn >= '$setup_lsn' AND coalesce(replay_lag, '0') < '1s'")" = 1 ] && break
  sleep 0.1
done
expect 1 up
contains "$ERR$OUT" "replica lag stayed over max_replica_lag 1s"
contains "$ERR$OUT" "progress saved"
equals "$(state_of 0001)" backfilling
done_before=$(q 'SELECT count(*) FROM items WHERE n = 1')
[ "$done_before" -gt 0 ] && [ "$done_before" -lt 4000 ] || fail "expected a part done, got $done_before rows"
sed -i 's/^max_replica_lag: 1s/max_replica_lag: 0/' "$WORK/tide.yaml"
expect 0 up
contains "$ERR" "resuming after"
equals "$(state_of 0001)" applied
equals "$(q 'SELECT count(*) FROM items WHERE n <> 1 OR marked IS NOT TRUE')" 0

done_suite
