// Unit tests for src/config/dotenv.cpp.
#include <catch2/catch.hpp>

#include "tide/config/dotenv.hpp"
#include "tide/error.hpp"

using namespace tide;

TEST_CASE(".env files: quotes, export, comments", "[dotenv]") {
  const auto vars = parse_dotenv(
      "# comment\n\nexport A=1\nB = two words # note\nC='lit $X # kept'\nD=\"a\\nb\\\"c\"\r\nE=\n",
      ".env");
  CHECK(vars.at("A") == "1");
  CHECK(vars.at("B") == "two words");
  CHECK(vars.at("C") == "lit $X # kept");
  CHECK(vars.at("D") == "a\nb\"c");
  CHECK(vars.at("E").empty());
}

TEST_CASE(".env quoted values may span lines", "[dotenv]") {
  const auto vars = parse_dotenv("KEY=\"-----BEGIN\nabc\n-----END\"\nNEXT=1\n", ".env");
  CHECK(vars.at("KEY") == "-----BEGIN\nabc\n-----END");
  CHECK(vars.at("NEXT") == "1");
}

TEST_CASE(".env errors name file and line, never the value", "[dotenv]") {
  try {
    parse_dotenv("A=1\nPASSWORD='s3cret\n", "app.env");
    FAIL("no error");
  } catch (const Error& e) {
    CHECK(e.code() == ExitCode::kUsage);
    CHECK_THAT(e.what(), Catch::StartsWith("app.env:2:"));
    CHECK_THAT(e.what(), !Catch::Contains("s3cret"));
  }
  CHECK_THROWS_AS(parse_dotenv("no equals sign\n", ".env"), Error);
}

TEST_CASE("a .env never overrides the environment", "[dotenv]") {
  const EnvLookup env = [](const std::string& n) -> std::optional<std::string> {
    if (n == "DATABASE_URL") return std::string("from-env");
    return std::nullopt;
  };
  const auto merged = with_dotenv(env, {{"DATABASE_URL", "from-file"}, {"OTHER", "x"}});
  CHECK(merged("DATABASE_URL") == std::optional<std::string>("from-env"));
  CHECK(merged("OTHER") == std::optional<std::string>("x"));
  CHECK_FALSE(merged("NONE"));
}
