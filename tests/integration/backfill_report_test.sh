#!/usr/bin/env bash
# A run that stops on an error of tide's own (a record turned `failed` under it, the lock taken
# by someone else after a reconnect) still reports the steps it had committed before.
source "$(dirname "$0")/lib.sh"

scenario "a backfill whose record turns failed under it: the committed steps are still reported, exit 3"
psql -X -q -d "$DB" -v ON_ERROR_STOP=1 <<'SQL'
CREATE TABLE items (id bigserial PRIMARY KEY, n int NOT NULL DEFAULT 0);
INSERT INTO items SELECT FROM generate_series(1, 40000);
SQL
migration 0001_first.sql <<'SQL'
-- migrate:up
CREATE TABLE first_done (id int);
SQL
migration 0002_touch.sql <<'SQL'
-- migrate:expand
ALTER TABLE items ADD COLUMN touched boolean;
-- migrate:backfill table:items batch_size:200 batch_sleep:5ms
UPDATE items SET touched = true, n = n + 1 WHERE id BETWEEN $1 AND $2;
SQL
"$TIDE_BIN" up >"$WORK/bg.out" 2>"$WORK/bg.err" &
runner=$!
for _ in $(seq 400); do
  [ "$(q "SELECT coalesce((SELECT backfill_rows FROM tide_migrations WHERE version = '0002'), 0)" 2>/dev/null || echo 0)" -ge 1000 ] && break
  sleep 0.05
done
# Someone marks the record failed; then tide's session is dropped: the re-plan after the
# reconnect refuses (exit 3), and the report must still show 0001 done.
q "UPDATE tide_migrations SET state = 'failed', error = 'marked by the test' WHERE version = '0002'" >/dev/null
q "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'tide'" >/dev/null
set +e
wait "$runner"
rc=$?
set -e
equals "$rc" 3 "exit code: $(cat "$WORK/bg.err")"
contains "$(cat "$WORK/bg.out")" "0001"
contains "$(cat "$WORK/bg.out")" "0002"
contains "$(cat "$WORK/bg.err")$(cat "$WORK/bg.out")" "failed"

done_suite
