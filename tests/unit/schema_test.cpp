// Unit tests for src/db/schema.cpp: the embedded metadata DDL (src/db/schema.sql).
#include <catch2/catch.hpp>

#include <regex>
#include <set>

#include "tide/db/schema.hpp"
#include "tide/migration/state.hpp"

using namespace tide;

namespace {

// The DDL as tide created it before it moved to schema.sql: existing databases have these
// tables, so the embedded file must produce them byte for byte.
const char* const kMainTable = R"golden(CREATE TABLE "public"."tide_migrations" (
  version          text PRIMARY KEY,
  name             text NOT NULL,
  checksum         text NOT NULL,
  state            text NOT NULL CHECK (state IN
                     ('backfilling', 'applied', 'expanded', 'contracted', 'failed')),
  backfill_section integer NOT NULL DEFAULT 0,
  backfill_last_key text,
  backfill_rows    bigint NOT NULL DEFAULT 0,
  expanded_at      timestamptz,
  expand_ms        bigint,
  contracted_at    timestamptz,
  contract_ms      bigint,
  failed_from      text,
  error            text,
  applied_by       text NOT NULL DEFAULT current_user,
  client_host      text,
  tool_version     text,
  updated_at       timestamptz NOT NULL DEFAULT clock_timestamp()
))golden";
const char* const kHistoryTable = R"golden(CREATE TABLE "ops"."runs_history" (
  id           bigserial PRIMARY KEY,
  at           timestamptz NOT NULL DEFAULT clock_timestamp(),
  version      text NOT NULL,
  name         text NOT NULL,
  action       text NOT NULL,
  state_before text NOT NULL,
  state_after  text NOT NULL,
  duration_ms  bigint,
  db_user      text NOT NULL DEFAULT current_user,
  client_host  text,
  tool_version text,
  detail       text
))golden";

}  // namespace

TEST_CASE("the embedded DDL creates the tables exactly as before", "[schema]") {
  const std::string sql = metadata_schema_sql(parse_table_name("tide_migrations"));
  CHECK(sql.find(kMainTable) != std::string::npos);
  CHECK(sql.find(R"(CREATE TABLE "public"."tide_migrations_history" ()") != std::string::npos);
  const std::string ops = metadata_schema_sql(parse_table_name("ops.runs"));
  CHECK(ops.find(kHistoryTable) != std::string::npos);
  CHECK(ops.find(R"(CREATE TABLE "ops"."runs" ()") != std::string::npos);
  CHECK(ops.find('{') == std::string::npos);  // every placeholder filled in
}

TEST_CASE("the state CHECK list is the State enum's stored states", "[schema]") {
  const std::string sql = metadata_schema_sql(parse_table_name("t"));
  std::smatch m;
  REQUIRE(std::regex_search(sql, m, std::regex(R"(CHECK \(state IN\s*\(([^)]*)\)\))")));
  std::set<std::string> in_check;
  const std::string list = m[1];
  const std::regex quoted("'([a-z]+)'");
  for (std::sregex_iterator it(list.begin(), list.end(), quoted), end; it != end; ++it) {
    in_check.insert((*it)[1]);
  }
  std::set<std::string> stored;
  for (State s : kStates) {
    if (s != State::kPending) stored.insert(state_name(s));
    CHECK(parse_state(state_name(s)) == s);
  }
  CHECK(in_check == stored);
  CHECK(in_check.count("pending") == 0);
}
