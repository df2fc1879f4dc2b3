#include "tide/version/build_info.hpp"

#include <catch2/catch.hpp>

using tide::BuildInfo;

TEST_CASE("version text names the commit and the libraries tide was built with", "[version]") {
  BuildInfo info{"0.1.0", "0123456789ab", "15.18", "15.18", "15-4.0.0", "15.1", "6.4.4"};
  CHECK(tide::version_text(info) ==
        "tide 0.1.0 (commit 0123456789ab)\n"
        "built with libpq 15.18, libpg_query 15-4.0.0 (PostgreSQL 15.1 parser), libpqxx 6.4.4");
}

TEST_CASE("version text says when another libpq is loaded than the one built with", "[version]") {
  BuildInfo info{"0.1.0", "unknown", "15.18", "16.4", "", "15.1", "6.4.4"};
  CHECK(
      tide::version_text(info) ==
      "tide 0.1.0 (commit unknown)\n"
      "built with libpq 15.18 (loaded: 16.4), libpg_query (PostgreSQL 15.1 parser), libpqxx 6.4.4");
}

TEST_CASE("the running binary knows its own build", "[version]") {
  const BuildInfo info = tide::build_info();
  CHECK_FALSE(info.version.empty());
  CHECK_FALSE(info.commit.empty());
  CHECK_FALSE(info.libpq.empty());
  CHECK(info.libpg_query.rfind("15-", 0) == 0);
}
