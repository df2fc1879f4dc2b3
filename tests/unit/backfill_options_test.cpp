// Unit tests for the backfill options: workers, max_replica_lag and max_throttle on the marker
// (src/migration/migration_file.cpp) and in tide.yaml (src/config/config.cpp), and the throttle
// message (src/db/backfill_throttle.cpp).
#include <catch2/catch.hpp>

#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "tide/config/config.hpp"
#include "tide/db/backfill_throttle.hpp"
#include "tide/error.hpp"
#include "tide/migration/migration.hpp"

using namespace tide;

namespace {
std::string all(const std::vector<Problem>& ps) {
  std::string s;
  for (const auto& p : ps) s += p.to_string() + "\n";
  return s;
}
Migration parse(const std::string& content, std::vector<Problem>& problems) {
  return parse_migration("migrations/0001_test.sql", content, problems);
}
Config config_of(const std::string& yaml) {
  const std::string path = (std::filesystem::temp_directory_path() /
                            ("tide_backfill_options_" + std::to_string(getpid()) + ".yaml"))
                               .string();
  std::ofstream(path) << yaml;
  Config c = load_config(path, [](const std::string&) { return std::nullopt; });
  std::filesystem::remove(path);
  return c;
}
}  // namespace

TEST_CASE("workers, max_replica_lag and max_throttle on a backfill marker", "[backfill_options]") {
  std::vector<Problem> problems;
  const Migration m = parse(
      "-- migrate:up\nSELECT 1;\n"
      "-- migrate:backfill table:t workers:4 max_replica_lag:5s max_throttle:10m\n"
      "UPDATE t SET x = 1 WHERE id BETWEEN $1 AND $2;\n",
      problems);
  REQUIRE(all(problems).empty());
  REQUIRE(m.backfills.size() == 1);
  CHECK(m.backfills[0].workers == 4);
  CHECK(m.backfills[0].max_replica_lag == Millis(5000));
  CHECK(m.backfills[0].max_throttle == Millis(600000));
}

TEST_CASE("unset options leave the config's defaults in force", "[backfill_options]") {
  std::vector<Problem> problems;
  const Migration m = parse(
      "-- migrate:up\nSELECT 1;\n-- migrate:backfill table:t\n"
      "UPDATE t SET x = 1 WHERE id BETWEEN $1 AND $2;\n",
      problems);
  REQUIRE(all(problems).empty());
  CHECK_FALSE(m.backfills[0].workers.has_value());
  CHECK_FALSE(m.backfills[0].max_replica_lag.has_value());
  CHECK_FALSE(m.backfills[0].max_throttle.has_value());
}

TEST_CASE("bad backfill options name file and line", "[backfill_options]") {
  for (const char* bad : {"workers:0", "workers:33", "workers:two", "workers:-1"}) {
    std::vector<Problem> problems;
    parse(std::string("-- migrate:up\nSELECT 1;\n-- migrate:backfill table:t ") + bad +
              "\nUPDATE t SET x = 1 WHERE id BETWEEN $1 AND $2;\n",
          problems);
    CHECK_THAT(all(problems), Catch::Contains("migrations/0001_test.sql:3: option workers:") &&
                                  Catch::Contains("must be an integer from 1 to 32"));
  }
  std::vector<Problem> problems;
  parse(
      "-- migrate:up\nSELECT 1;\n-- migrate:backfill table:t max_replica_lag:fast\n"
      "UPDATE t SET x = 1 WHERE id BETWEEN $1 AND $2;\n",
      problems);
  CHECK_THAT(all(problems), Catch::Contains("0001_test.sql:3: option max_replica_lag:"));
  problems.clear();
  parse("-- migrate:up workers:2\nSELECT 1;\n", problems);
  CHECK_THAT(all(problems), Catch::Contains("unknown option 'workers' for section up"));
  problems.clear();
  parse("-- migrate:up\nSELECT 1;\n-- migrate:backfill workers:2\nUPDATE t SET x = 1;\n", problems);
  CHECK_THAT(all(problems), Catch::Contains("workers: needs table: (a keyed backfill)"));
}

TEST_CASE("backfill_workers, max_replica_lag and max_throttle in tide.yaml", "[backfill_options]") {
  const Config defaults = config_of("table: tide_migrations\n");
  CHECK(defaults.backfill_workers == 1);
  CHECK(defaults.max_replica_lag == Millis(0));
  CHECK(defaults.max_throttle == Millis(600000));
  const Config c = config_of("backfill_workers: 2\nmax_replica_lag: 5s\nmax_throttle: 90s\n");
  CHECK(c.backfill_workers == 2);
  CHECK(c.max_replica_lag == Millis(5000));
  CHECK(c.max_throttle == Millis(90000));
  CHECK_THROWS_WITH(config_of("backfill_workers: 0\n"), Catch::Contains("backfill_workers"));
  CHECK_THROWS_WITH(config_of("max_throttle: soon\n"), Catch::Contains("max_throttle"));
}

TEST_CASE("the throttle message names the lag and the limit", "[backfill_options]") {
  CHECK(throttle_message(7.23, Millis(5000)) == "throttled: replica lag 7.2 s > 5 s");
  CHECK(throttle_message(0.75, Millis(500)) == "throttled: replica lag 0.8 s > 0.5 s");
  CHECK_THAT(replica_lag_sql(false), Catch::Contains("pg_stat_replication") &&
                                         Catch::Contains("replay_lag") &&
                                         Catch::Contains("state = 'streaming'"));
  CHECK_THAT(replica_lag_sql(true),
             Catch::Contains("aurora_replica_status()") && Catch::Contains("replica_lag_in_msec"));
}
