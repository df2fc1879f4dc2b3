#!/usr/bin/env bash
# The command line as a new user meets it: typos, help, flags, colour, `tide new`, and what
# the logs and status carry.
source "$(dirname "$0")/lib.sh"

scenario "an unknown command is named, with the nearest one suggested"
expect 2 stauts
contains "$ERR" "unknown command 'stauts'"
contains "$ERR" "did you mean 'status'?"
lacks "$ERR" "A subcommand is required"
expect 2 rollback
contains "$ERR" "unknown command 'rollback'"
contains "$ERR" "tide down"
expect 2 -e prod stauts
contains "$ERR" "unknown command 'stauts'"
expect 2 --no-color stauts
contains "$ERR" "unknown command 'stauts'"
expect 2
contains "$ERR" "a command is required"
contains "$ERR" "tide help"

scenario "an unknown flag is named, with the nearest one suggested"
expect 2 --colour
contains "$ERR" "unknown flag '--colour'"
contains "$ERR" "did you mean '--color'?"
expect 2 status --formt json
contains "$ERR" "unknown flag '--formt'"
contains "$ERR" "did you mean '--format'?"
expect 2 --no-color status --formt json
contains "$ERR" "unknown flag '--formt'"
contains "$ERR" "tide help status"
expect 2 up --dryrun
contains "$ERR" "unknown flag '--dryrun'"
contains "$ERR" "did you mean '--dry-run'?"
expect 2 up --frobnicate
contains "$ERR" "unknown flag '--frobnicate'"
lacks "$ERR" "did you mean"
contains "$ERR" "tide help up"
expect 2 status extra
contains "$ERR" "unexpected argument 'extra'"

scenario "tide help, tide help CMD and --help show the global flags and the name tide"
expect 0 help
contains "$OUT" "Usage: tide"
contains "$OUT" "status"
contains "$OUT" "help"
lacks "$OUT" "$TIDE_BIN"
expect 0 help up
contains "$OUT" "Usage: tide up"
contains "$OUT" "--dry-run"
contains "$OUT" "Global flags:"
contains "$OUT" "--lock-wait"
lacks "$OUT" "$TIDE_BIN"
expect 0 up --help
contains "$OUT" "Usage: tide up"
contains "$OUT" "Global flags:"
contains "$OUT" "--config"
for cmd in new status up contract down validate lint baseline repair token; do
  expect 0 help "$cmd"
  contains "$OUT" "Usage: tide $cmd"
  contains "$OUT" "Global flags:"
done
expect 0 help lint
lacks "$OUT" "docs/lint.md"
contains "$OUT" "drop-in-expand"
expect 2 help stauts
contains "$ERR" "unknown command 'stauts'"
contains "$ERR" "did you mean 'status'?"

scenario "down --steps 0 is a clear usage error"
expect 2 down --steps 0
contains "$ERR" "--steps"
contains "$ERR" "at least 1"
lacks "$ERR" "1797693"
expect 2 down --steps -3
lacks "$ERR" "1797693"

scenario "--color=always forces colour, never and TERM=dumb turn it off"
migration 0001_a.sql <<'SQL'
-- migrate:up
SELECT 1;
SQL
expect 0 status --color=always
contains "$OUT" $'\033['
expect 0 status --color never
lacks "$OUT" $'\033['
expect 0 status --color=auto
lacks "$OUT" $'\033['
expect 2 status --color=sometimes
contains "$ERR" "--color"
expect 0 status --no-color
lacks "$OUT" $'\033['
# TERM=dumb wins over a terminal; `script` gives tide a real one.
if command -v script >/dev/null; then
  TERM=xterm script -qec "$TIDE_BIN status" /dev/null </dev/null >"$WORK/tty.out" 2>&1 || true
  contains "$(cat "$WORK/tty.out")" $'\033['
  TERM=dumb script -qec "$TIDE_BIN status" /dev/null </dev/null >"$WORK/tty.out" 2>&1 || true
  lacks "$(cat "$WORK/tty.out")" $'\033['
  contains "$(cat "$WORK/tty.out")" "pending"
fi

scenario "the status footer counts failed migrations"
migration 0001_ok.sql <<'SQL'
-- migrate:up
CREATE TABLE t (id int);
SQL
migration 0002_half.sql <<'SQL'
-- migrate:up transaction:false
CREATE TABLE u (id int);
SELECT 1/0;
SQL
expect 1 up
expect 0 status
contains "$OUT" "2 migrations: 0 pending, 0 expanded (awaiting contract), 1 failed"

scenario "backfill_rows keeps the total once a backfill has finished"
q "CREATE TABLE items (id int PRIMARY KEY, v int); INSERT INTO items SELECT g, 0 FROM generate_series(1, 250) g"
migration 0001_fill.sql <<'SQL'
-- migrate:expand
ALTER TABLE items ADD COLUMN w int;
-- migrate:backfill table:items batch_size:100
UPDATE items SET w = v + 1 WHERE id BETWEEN $1 AND $2;
-- migrate:contract
ALTER TABLE items DROP COLUMN v;
SQL
expect 0 up
expect 0 status --format json
contains "$OUT" '"backfill_rows": 250'

scenario "the live progress line fits a 50-column terminal and ends with its backfill"
q "CREATE TABLE items (id int PRIMARY KEY, v int); INSERT INTO items SELECT g, 0 FROM generate_series(1, 600) g; ANALYZE items"
migration 20261124093000_a_rather_long_migration_name_for_a_narrow_pane.sql <<'SQL'
-- migrate:expand
ALTER TABLE items ADD COLUMN w int;
-- migrate:backfill table:items batch_size:100 batch_sleep:10ms
UPDATE items SET w = v + 1 WHERE id BETWEEN $1 AND $2;
SQL
if command -v script >/dev/null; then
  TERM=xterm script -qec "stty cols 50; $TIDE_BIN up" /dev/null </dev/null >"$WORK/tty.out" 2>&1 || true
  report=$(python3 - "$WORK/tty.out" <<'PY'
import re, sys
text = open(sys.argv[1], encoding="utf-8").read()
segments = re.split(r"[\r\n]", re.sub(r"\x1b\[[0-9;]*[A-Za-z]", "", text))
progress = [s for s in segments if "rows" in s and "->" not in s]
print("progress lines:", len(progress))
print("widest:", max(len(s) for s in progress))
# The last progress line is ended by a newline before the result table starts.
print("ended:", bool(re.search(r"rows[^\r\n]*\r?\n\S*a_rather_long", text)))
PY
)
  contains "$report" "ended: True"
  widest=$(sed -n 's/^widest: //p' <<<"$report")
  [ "$widest" -le 49 ] || fail "a progress line of $widest columns in a 50-column pane:\n$(cat "$WORK/tty.out")"
  lacks "$report" "progress lines: 0"
fi

scenario "--log-format json carries version, phase, rows, ms and sqlstate as fields"
q "CREATE TABLE items (id int PRIMARY KEY, v int); INSERT INTO items SELECT g, 0 FROM generate_series(1, 30) g"
migration 0001_fill.sql <<'SQL'
-- migrate:expand
ALTER TABLE items ADD COLUMN w int;
-- migrate:backfill table:items batch_size:10
UPDATE items SET w = v + 1 WHERE id BETWEEN $1 AND $2;
SQL
migration 0002_bad.sql <<'SQL'
-- migrate:up
SELECT * FROM no_such_table;
SQL
expect 1 --log-format json up
fields=$(printf '%s\n' "$ERR" | python3 -c '
import json, sys
seen = {}
for line in sys.stdin:
    e = json.loads(line)
    for k in ("version", "phase", "rows", "ms", "sqlstate"):
        if k in e: seen.setdefault(k, e[k])
    if e.get("sqlstate"): print("sqlstate", e["sqlstate"], e.get("version"), e.get("phase"))
    if e.get("rows") is not None and e.get("phase") == "backfill": print("rows", e["rows"], e.get("version"))
print("keys", " ".join(sorted(seen)))
')
contains "$fields" "sqlstate 42P01 0002 expand"
contains "$fields" "rows 30 0001"
contains "$fields" "keys ms phase rows sqlstate version"

scenario "tide new: real timestamps, sequential projects continue, non-ASCII names kept sensibly"
migration 20261124093059_last.sql <<'SQL'
-- migrate:up
SELECT 1;
SQL
# A project whose newest version lies in the future: the next one is one second later.
printf -- '-- migrate:up\nSELECT 1;\n' >migrations/29991231235959_future.sql
expect 0 new next
equals "$OUT" "migrations/30000101000000_next.sql"
rm migrations/*
migration 0007_seven.sql <<'SQL'
-- migrate:up
SELECT 1;
SQL
expect 0 new eight
equals "$OUT" "migrations/0008_eight.sql"
expect 0 new "Ajouter l'élément à la façade"
equals "$OUT" "migrations/0009_ajouter_l_element_a_la_facade.sql"
expect 0 new "Straße Größe"
equals "$OUT" "migrations/0010_strasse_grosse.sql"
expect 2 new "добавить поле"
contains "$ERR" "добавить"
contains "$ERR" "ASCII"
expect 2 new "add body ✓"
contains "$ERR" "✓"
expect 0 validate --offline

scenario "tide token with a port that is not a number: a clear usage error, not a library's text"
cat >tide.yaml <<'YAML'
environments:
  a:
    url: postgres://migrator@db.example:abc/app
YAML
AWS_EC2_METADATA_DISABLED=true expect 2 token
contains "$ERR" "port 'abc'"
lacks "$ERR" "stoi"
lacks "$ERR" "internal error"
rm tide.yaml

done_suite
