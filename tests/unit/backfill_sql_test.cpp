// Golden tests for src/db/backfill_sql.cpp: the exact SQL of a keyed backfill's batches.
#include <catch2/catch.hpp>

#include "tide/db/backfill_sql.hpp"
#include "tide/util/identifier.hpp"

using namespace tide;

namespace {
const KeyedWalk kMessages{"messages", "id", "bigint", 5000};
const KeyedWalk kQualified{"app.Events", "event id", "uuid", 100};
}  // namespace

TEST_CASE("bounds of the first batch", "[backfill_sql]") {
  CHECK(bounds_sql(kMessages, false, false) ==
        "WITH b AS (SELECT \"id\" AS k FROM \"messages\" ORDER BY \"id\" LIMIT 5000) "
        "SELECT (SELECT k FROM b ORDER BY k LIMIT 1)::text, "
        "(SELECT k FROM b ORDER BY k DESC LIMIT 1)::text");
}

TEST_CASE("bounds after the last finished key", "[backfill_sql]") {
  CHECK(bounds_sql(kMessages, true, false) ==
        "WITH b AS (SELECT \"id\" AS k FROM \"messages\" WHERE \"id\" > $1 ORDER BY \"id\" "
        "LIMIT 5000) SELECT (SELECT k FROM b ORDER BY k LIMIT 1)::text, "
        "(SELECT k FROM b ORDER BY k DESC LIMIT 1)::text");
}

TEST_CASE("bounds that stop below a range an earlier run finished", "[backfill_sql]") {
  CHECK(bounds_sql(kMessages, true, true) ==
        "WITH b AS (SELECT \"id\" AS k FROM \"messages\" WHERE \"id\" > $1 AND \"id\" < $2 "
        "ORDER BY \"id\" LIMIT 5000) SELECT (SELECT k FROM b ORDER BY k LIMIT 1)::text, "
        "(SELECT k FROM b ORDER BY k DESC LIMIT 1)::text");
  CHECK(bounds_sql(kMessages, false, true) ==
        "WITH b AS (SELECT \"id\" AS k FROM \"messages\" WHERE \"id\" < $1 ORDER BY \"id\" "
        "LIMIT 5000) SELECT (SELECT k FROM b ORDER BY k LIMIT 1)::text, "
        "(SELECT k FROM b ORDER BY k DESC LIMIT 1)::text");
}

TEST_CASE("schema-qualified tables and odd key names are quoted", "[backfill_sql]") {
  CHECK(quote_qualified("app.Events") == "\"app\".\"Events\"");
  CHECK(bounds_sql(kQualified, true, false) ==
        "WITH b AS (SELECT \"event id\" AS k FROM \"app\".\"Events\" WHERE \"event id\" > $1 "
        "ORDER BY \"event id\" LIMIT 100) SELECT (SELECT k FROM b ORDER BY k LIMIT 1)::text, "
        "(SELECT k FROM b ORDER BY k DESC LIMIT 1)::text");
}

TEST_CASE("a batch's prologue: guard, an asynchronous commit, the SET LOCALs, one round trip",
          "[backfill_sql]") {
  // A batch's COMMIT does not wait for its WAL to reach the disk: the batch and the record of
  // its progress commit together or are lost together (then the rerun does the batch again),
  // and the backfill's last, synchronous bookkeeping commit flushes every batch before it.
  CHECK(batch_prologue_sql("SELECT 1", {"SET LOCAL lock_timeout = '5000ms'",
                                        "SET LOCAL statement_timeout = '1000ms'"}) ==
        "SELECT 1;\nSET LOCAL synchronous_commit = off;\nSET LOCAL lock_timeout = '5000ms';\n"
        "SET LOCAL statement_timeout = '1000ms'");
  CHECK(batch_prologue_sql("SELECT 1", {}) == "SELECT 1;\nSET LOCAL synchronous_commit = off");
}

TEST_CASE("a worker's guard checks its backend and the runner's lock", "[backfill_sql]") {
  CHECK(worker_guard_sql(42, 7, "moved") ==
        "SELECT (CASE WHEN pg_backend_pid() = 42 AND EXISTS (SELECT 1 FROM pg_locks WHERE "
        "locktype = 'advisory' AND pid = 7 AND granted) THEN '0' ELSE 'moved' END)::int");
}

TEST_CASE("the finished ranges of parallel backfills", "[backfill_sql]") {
  const std::string ranges = "\"public\".\"tide_migrations_backfill\"";
  CHECK(create_ranges_sql(ranges) ==
        "CREATE TABLE IF NOT EXISTS \"public\".\"tide_migrations_backfill\" (\n"
        "  version   text NOT NULL,\n"
        "  section   integer NOT NULL,\n"
        "  first_key text NOT NULL,\n"
        "  last_key  text NOT NULL,\n"
        "  rows      bigint NOT NULL,\n"
        "  at        timestamptz NOT NULL DEFAULT clock_timestamp(),\n"
        "  PRIMARY KEY (version, section, first_key)\n"
        ")");
  CHECK(record_range_sql(ranges) ==
        "INSERT INTO \"public\".\"tide_migrations_backfill\" (version, section, first_key, "
        "last_key, rows) VALUES ($1, $2, $3, $4, $5)");
  CHECK(finished_ranges_sql(ranges, "bigint") ==
        "SELECT first_key, last_key, rows FROM \"public\".\"tide_migrations_backfill\" WHERE "
        "version = $1 AND section = $2 ORDER BY first_key::bigint");
  CHECK(absorb_ranges_sql("\"public\".\"tide_migrations\"", ranges, "bigint") ==
        "WITH gone AS (DELETE FROM \"public\".\"tide_migrations_backfill\" WHERE version = $1 "
        "AND section = $2 AND last_key::bigint <= $3::bigint RETURNING rows) UPDATE "
        "\"public\".\"tide_migrations\" SET backfill_last_key = $3, backfill_rows = "
        "backfill_rows + (SELECT coalesce(sum(rows), 0) FROM gone), updated_at = "
        "clock_timestamp() WHERE version = $1 AND backfill_section = $2");
  CHECK(clear_ranges_sql(ranges) ==
        "DELETE FROM \"public\".\"tide_migrations_backfill\" WHERE version = $1 AND section = $2");
}
