// Unit tests for src/report/suggest.cpp: "did you mean" for commands and flags.
#include <catch2/catch.hpp>

#include "tide/report/suggest.hpp"

using namespace tide;

TEST_CASE("edit distance counts insertions, deletions, substitutions and swaps") {
  CHECK(edit_distance("status", "status") == 0);
  CHECK(edit_distance("stauts", "status") == 1);  // a swap
  CHECK(edit_distance("--formt", "--format") == 1);
  CHECK(edit_distance("--colour", "--color") == 1);
  CHECK(edit_distance("", "up") == 2);
  CHECK(edit_distance("kitten", "sitting") == 3);
}

TEST_CASE("the nearest word is suggested only when it is a likely typo") {
  const std::vector<std::string> commands{"new",      "status",   "up",     "contract", "down",
                                          "validate", "baseline", "repair", "token",    "lint"};
  CHECK(nearest("stauts", commands) == std::optional<std::string>("status"));
  CHECK(nearest("valdate", commands) == std::optional<std::string>("validate"));
  CHECK(nearest("contarct", commands) == std::optional<std::string>("contract"));
  CHECK(nearest("uo", commands) == std::optional<std::string>("up"));
  CHECK_FALSE(nearest("rollback", commands));
  CHECK_FALSE(nearest("xyz", commands));
  const std::vector<std::string> flags{"--format", "--fail-on-pending", "--color", "--config"};
  CHECK(nearest("--formt", flags) == std::optional<std::string>("--format"));
  CHECK(nearest("--colour", flags) == std::optional<std::string>("--color"));
  CHECK_FALSE(nearest("--frobnicate", flags));
  CHECK_FALSE(nearest("-x", {"-h", "-e", "-v", "-q"}));
}
