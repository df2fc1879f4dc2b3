// Reading ~/.aws/config and ~/.aws/credentials the way botocore does (configparser, strict):
// later [default]/[profile default] wins, quoted profile names, and duplicates are errors.
#include <catch2/catch.hpp>

#include "aws/provider.hpp"
#include "aws/shared_config.hpp"

using namespace tide::aws;

TEST_CASE("shared config: [default] and [profile default], the later one wins", "[aws][config]") {
  auto a = SharedConfig::from_text("[default]\nregion = a\n[profile default]\nregion = b\n", "");
  CHECK(ini_get(a.merged("default"), "region") == "b");
  auto b = SharedConfig::from_text("[profile default]\nregion = b\n[default]\nregion = a\n", "");
  CHECK(ini_get(b.merged("default"), "region") == "a");
}

TEST_CASE("shared config: quoted and spaced profile names", "[aws][config]") {
  auto c = SharedConfig::from_text(
      "[profile \"dev\"]\nregion = q\n[profile   spaced  ]\nregion = s\n[profile a b]\nregion = "
      "x\n[profilex]\nregion = y\n",
      "");
  CHECK(c.has_profile("dev"));
  CHECK(ini_get(c.merged("dev"), "region") == "q");
  CHECK(c.has_profile("spaced"));
  CHECK_FALSE(c.has_profile("a b"));  // three words: not a profile, as in botocore
  CHECK_FALSE(c.has_profile("x"));
}

TEST_CASE("shared config: duplicates and stray lines are parse errors, never merged",
          "[aws][config]") {
  CHECK_THROWS_WITH(parse_ini("[a]\nk = 1\n[b]\nk = 2\n[a]\nk = 3\n", "f"),
                    Catch::Contains("f line 5") && Catch::Contains("section [a]"));
  CHECK_THROWS_WITH(parse_ini("[a]\naws_access_key_id = 1\nAWS_ACCESS_KEY_ID = 2\n", "f"),
                    Catch::Contains("f line 3") && Catch::Contains("aws_access_key_id"));
  CHECK_THROWS_WITH(parse_ini("[a]\nk = 1\nnot a key value line\n", "f"),
                    Catch::Contains("f line 3"));
  CHECK_THROWS_WITH(parse_ini("k = 1\n[a]\n", "f"), Catch::Contains("before any [section]"));
  CHECK_THROWS_AS(SharedConfig::from_text("", "[dev]\na=1\n[dev]\nb=2\n"), CredentialError);
  // What configparser accepts: comments, continuation lines, `:` separators, CRLF.
  auto ok = parse_ini("# c\n; c\n[a]\r\nk: v\r\ns3 =\n  x = 1\n  y = 2\n", "f");
  REQUIRE(ok.size() == 1);
  CHECK(ok[0].first == "a");
  CHECK(ok[0].second["k"] == "v");
  CHECK(ok[0].second["s3"] == "\nx = 1\ny = 2");
}
