# Shared helpers for the integration scenarios. Each *_test.sh sources this file, then runs
# scenarios against the real PostgreSQL server started by scripts/test (PGHOST/PGPORT), or
# starts a throwaway server of its own when run alone. Every scenario gets a fresh database.
set -euo pipefail
: "${TIDE_BIN:?set TIDE_BIN to the built tide binary}"
: "${TIDE_SOURCE_DIR:?set TIDE_SOURCE_DIR to the source tree}"

if [ -z "${PGPORT:-}" ]; then
  eval "$("$TIDE_SOURCE_DIR/scripts/pg" start)"
  trap '"$TIDE_SOURCE_DIR/scripts/pg" stop "$TIDE_PG_DIR"' EXIT
fi
export PGHOST PGPORT PGUSER=${PGUSER:-postgres}
unset DATABASE_URL TIDE_ENV PGDATABASE

SUITE=$(basename "$0" .sh)
WORK=$(mktemp -d "/tmp/tide-it-$SUITE.XXXXXX")
chmod 755 "$WORK"
cd "$WORK"
SCENARIOS=0
CURRENT=""

fail() {
  printf 'FAIL [%s / %s]: %b\n' "$SUITE" "$CURRENT" "$*" >&2
  exit 1
}

# scenario "what a user does": starts a scenario with a fresh database and migrations dir.
scenario() {
  CURRENT="$*"
  SCENARIOS=$((SCENARIOS + 1))
  DB="it_${SUITE//[^a-z0-9]/_}_${SCENARIOS}_$$"
  createdb "$DB"
  export DATABASE_URL="postgres://$PGUSER@$PGHOST:$PGPORT/$DB"
  rm -rf "$WORK/migrations" "$WORK/tide.yaml"
  mkdir -p "$WORK/migrations"
  echo "--- $CURRENT"
}

# migration FILE <<'SQL' … SQL: writes migrations/FILE.
migration() { cat >"$WORK/migrations/$1"; }

# run ARGS…: runs tide; sets OUT, ERR and RC.
run() {
  set +e
  "$TIDE_BIN" "$@" >"$WORK/.out" 2>"$WORK/.err"
  RC=$?
  set -e
  OUT=$(cat "$WORK/.out")
  ERR=$(cat "$WORK/.err")
  if grep -qE 'terminate called|Segmentation|AddressSanitizer|runtime error:' "$WORK/.err"; then
    fail "tide $* crashed:\n$ERR"
  fi
}

# expect EXIT_CODE ARGS…: runs tide and checks its exit code.
expect() {
  local want=$1
  shift
  run "$@"
  [ "$RC" = "$want" ] || fail "expected exit $want, got $RC from: tide $*\n--- stdout:\n$OUT\n--- stderr:\n$ERR"
}

contains() { [[ "$1" == *"$2"* ]] || fail "expected to find '$2' in:\n$1"; }
lacks() { [[ "$1" != *"$2"* ]] || fail "did not expect '$2' in:\n$1"; }
equals() { [ "$1" = "$2" ] || fail "expected '$2', got '$1'${3:+ ($3)}"; }

# q SQL: one query against the scenario's database, unaligned output.
q() { psql -X -q -t -A -v ON_ERROR_STOP=1 -d "$DB" -c "$1"; }
state_of() { q "SELECT state FROM tide_migrations WHERE version = '$1'"; }

# A fingerprint of the schema and the metadata, to prove that something changed nothing.
schema_fingerprint() {
  pg_dump --schema-only --no-owner "$DB" | grep -vE '^(--|\\(un)?restrict)' | md5sum
  q "SELECT count(*) FROM pg_class WHERE relnamespace NOT IN ('pg_catalog'::regnamespace, 'information_schema'::regnamespace)"
}

done_suite() { echo "$SUITE: $SCENARIOS scenarios passed"; }
