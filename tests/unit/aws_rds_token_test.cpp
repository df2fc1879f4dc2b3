// RDS tokens compared byte for byte with botocore's generate_db_auth_token under a fixed
// clock (tests/aws/botocore_token.py, run with /usr/bin/python3 or $TIDE_PYTHON), and region
// resolution.
#include <catch2/catch.hpp>

#include "aws_test_support.hpp"
#include "tide/aws/rds_token.hpp"
#include "tide/error.hpp"

using namespace tide::aws;
using tide::aws::testing::AwsEnv;

namespace {

std::string shell_quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

}  // namespace

TEST_CASE("rds token: byte-identical to botocore", "[aws][token]") {
  if (!testing::python_available()) {
    WARN("skipped: " << testing::python() << " not found (set TIDE_PYTHON)");
    return;
  }
  struct Case {
    std::string host;
    int port;
    std::string user, region, akid, secret, token, stamp;
  };
  const std::vector<Case> cases = {
      {"mydb.cluster-c1a2b3.us-east-1.rds.amazonaws.com", 5432, "migrator", "us-east-1",
       "AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "", "20150830T123600Z"},
      {"mydb.cluster-c1a2b3.us-east-1.rds.amazonaws.com", 5432, "migrator", "us-east-1",
       "ASIAEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
       "IQoJb3JpZ2luX2VjE+/=//////////wEaCXVzLWVhc3QtMSJHMEUCIQD+example==", "20240229T235959Z"},
      {"db.example.internal", 6543, "app user@x+y", "eu-central-2", "AKIAOTHER",
       "s3cr3t/with+plus=", "tok en&=", "20251231T000001Z"},
      // botocore signs the lower-cased host and leaves out the default port 443
      {"MyDB.Cluster-ABC123.US-EAST-1.rds.amazonaws.com", 5432, "migrator", "us-east-1",
       "AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "", "20150830T123600Z"},
      {"mydb.cluster-abc123.us-east-1.rds.amazonaws.com", 443, "migrator", "us-east-1",
       "AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "", "20150830T123600Z"},
      {"Proxy.Example.COM", 443, "Migrator", "eu-west-1", "AKIDEXAMPLE", "secret", "t",
       "20150830T123600Z"},
  };
  for (const auto& c : cases) {
    std::string cmd = testing::python() + " " + testing::source_dir() +
                      "/tests/aws/botocore_token.py token " + shell_quote(c.host) + " " +
                      std::to_string(c.port) + " " + shell_quote(c.user) + " " + c.region + " " +
                      shell_quote(c.akid) + " " + shell_quote(c.secret) + " " +
                      shell_quote(c.token.empty() ? "-" : c.token) + " " + c.stamp;
    auto [expected, status] = testing::run(cmd);
    if (status == 3) {
      WARN("skipped: botocore not installed for " << testing::python());
      return;
    }
    REQUIRE(status == 0);
    std::string iso = c.stamp.substr(0, 4) + "-" + c.stamp.substr(4, 2) + "-" +
                      c.stamp.substr(6, 2) + "T" + c.stamp.substr(9, 2) + ":" +
                      c.stamp.substr(11, 2) + ":" + c.stamp.substr(13, 2) + "Z";
    Credentials creds{c.akid, c.secret, c.token, std::nullopt, "test"};
    CHECK(rds_auth_token(c.host, c.port, c.user, c.region, creds, *parse_iso8601(iso)) == expected);
  }
}

TEST_CASE("rds token: shape", "[aws][token]") {
  Credentials creds{"AKIDEXAMPLE", "secret", "", std::nullopt, "test"};
  std::string t = rds_auth_token("h.example", 5432, "migrator", "us-east-1", creds,
                                 *parse_iso8601("2015-08-30T12:36:00Z"));
  CHECK(t.rfind("h.example:5432/?Action=connect&DBUser=migrator&X-Amz-Algorithm=AWS4-HMAC-SHA256"
                "&X-Amz-Credential=AKIDEXAMPLE%2F20150830%2Fus-east-1%2Frds-db%2Faws4_request"
                "&X-Amz-Date=20150830T123600Z&X-Amz-Expires=900&X-Amz-SignedHeaders=host"
                "&X-Amz-Signature=",
                0) == 0);
  CHECK(t.find("https://") == std::string::npos);
}

TEST_CASE("rds token: region from the host name", "[aws][region]") {
  CHECK(region_from_rds_host("mydb.cluster-c1a2b3.us-east-1.rds.amazonaws.com") == "us-east-1");
  CHECK(region_from_rds_host("mydb.cluster-ro-c1a2b3.eu-west-3.rds.amazonaws.com") == "eu-west-3");
  CHECK(region_from_rds_host("proxy-1.proxy-c1a2b3.ap-southeast-2.rds.amazonaws.com.") ==
        "ap-southeast-2");
  CHECK(region_from_rds_host("MyDB.C1A2B3.US-GOV-WEST-1.RDS.AMAZONAWS.COM") == "us-gov-west-1");
  CHECK(region_from_rds_host("db.c1.cn-north-1.rds.amazonaws.com.cn") == "cn-north-1");
  CHECK(region_from_rds_host("rds.amazonaws.com").empty());
  CHECK(region_from_rds_host("localhost").empty());
  CHECK(region_from_rds_host("db.example.com").empty());
  CHECK(region_from_rds_host("x.notaregion.rds.amazonaws.com").empty());
}

TEST_CASE("rds token: region resolution order", "[aws][region]") {
  AwsEnv env;
  IamTarget t;
  t.host = "mydb.cluster-c1a2b3.eu-west-1.rds.amazonaws.com";
  CHECK(resolve_region(t) == "eu-west-1");
  env.set("AWS_DEFAULT_REGION", "us-west-2");
  CHECK(resolve_region(t) == "us-west-2");
  env.set("AWS_REGION", "ca-central-1");
  CHECK(resolve_region(t) == "ca-central-1");
  t.region = "sa-east-1";
  CHECK(resolve_region(t) == "sa-east-1");

  env.unset("AWS_REGION");
  env.unset("AWS_DEFAULT_REGION");
  t.region.clear();
  SECTION("the profile's region comes after the env vars and before the host") {
    env.write("config", "[default]\nregion = ap-south-1\n[profile dev]\nregion = eu-north-1\n");
    CHECK(resolve_region(t) == "ap-south-1");
    env.set("AWS_PROFILE", "dev");
    CHECK(resolve_region(t) == "eu-north-1");
    t.profile = "default";  // aws_profile: in tide.yaml names the profile
    CHECK(resolve_region(t) == "ap-south-1");
    env.set("AWS_DEFAULT_REGION", "us-west-2");
    CHECK(resolve_region(t) == "us-west-2");
    env.unset("AWS_DEFAULT_REGION");
    env.unset("AWS_PROFILE");
    env.write("config", "");
    t.profile.clear();
  }
  t.host = "127.0.0.1";
  try {
    resolve_region(t);
    FAIL("expected an error");
  } catch (const tide::Error& e) {
    CHECK(e.code() == tide::ExitCode::kUsage);
    CHECK_THAT(e.what(), Catch::Contains("region:") && Catch::Contains("AWS_REGION"));
  }
}

TEST_CASE("rds token: provider validates its target", "[aws][token]") {
  AwsEnv env;
  IamTarget t{"db.example", 5432, "", "us-east-1", "", ""};
  CHECK_THROWS_AS(RdsTokenProvider(t), tide::Error);
  t.user = "migrator";
  t.port = 0;
  CHECK_THROWS_AS(RdsTokenProvider(t), tide::Error);
}
