# Helpers for the adopt scenarios (sourced after lib.sh).

# project: a fresh project directory for the scenario, made the working directory.
project() {
  PROJECT="$WORK/project_$SCENARIOS"
  rm -rf "$PROJECT"
  mkdir -p "$PROJECT"
  cd "$PROJECT"
}

# table_digest TABLE: the rows of a table, to prove that adopting never changed it.
table_digest() { q "SELECT md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) FROM $1 t"; }

# schema_of DB: the schema without the tools' metadata tables.
schema_of() {
  pg_dump --schema-only --no-owner -T 'tide_migrations*' -T schema_migrations -T gorp_migrations \
    -T 'goose_db_version*' -T 'flyway_schema_history*' "$1" |
    grep -vE '^(--|\\(un)?restrict|SET |SELECT pg_catalog)' | sed '/^$/d'
}

# same_schema DB REF: the adopted database's schema equals the old tool's own result.
same_schema() {
  local a b
  a=$(schema_of "$1")
  b=$(schema_of "$2")
  [ -n "$a" ] || fail "empty schema dump of $1"
  [ "$a" = "$b" ] || fail "schemas differ:\n$(diff <(echo "$a") <(echo "$b"))"
}
