// Parsing STS answers: credentials, error documents, malformed bodies.
#include <catch2/catch.hpp>

#include "aws/provider.hpp"
#include "aws/sts.hpp"
#include "aws_test_support.hpp"

using namespace tide::aws;

TEST_CASE("sts: parses credentials, entities and whitespace", "[aws][sts]") {
  std::string body =
      "<?xml version=\"1.0\"?>\n<AssumeRoleResponse xmlns=\"https://sts.amazonaws.com/doc/"
      "2011-06-15/\"><AssumeRoleResult><SourceIdentity>x</SourceIdentity><Credentials>\n"
      "  <AccessKeyId>ASIAEXAMPLE</AccessKeyId>\n"
      "  <SecretAccessKey>a/b+c&amp;d</SecretAccessKey>\n"
      "  <SessionToken>tok&#61;&#x3D;</SessionToken>\n"
      "  <Expiration>2024-05-01T12:00:00Z</Expiration>\n"
      "</Credentials></AssumeRoleResult></AssumeRoleResponse>";
  Credentials c = parse_sts_response(200, body, "AssumeRole");
  CHECK(c.access_key_id == "ASIAEXAMPLE");
  CHECK(c.secret_access_key == "a/b+c&d");
  CHECK(c.session_token == "tok==");
  CHECK(c.expiration == parse_iso8601("2024-05-01T12:00:00Z"));
}

TEST_CASE("sts: error documents give code and message", "[aws][sts]") {
  std::string body =
      "<ErrorResponse><Error><Type>Sender</Type><Code>InvalidIdentityToken</Code>"
      "<Message>Couldn&apos;t retrieve verification key</Message></Error></ErrorResponse>";
  CHECK_THROWS_WITH(parse_sts_response(400, body, "AssumeRoleWithWebIdentity"),
                    "STS AssumeRoleWithWebIdentity: InvalidIdentityToken: Couldn't retrieve "
                    "verification key (HTTP 400)");
}

TEST_CASE("sts: malformed answers are reported, not echoed", "[aws][sts]") {
  CHECK_THROWS_WITH(parse_sts_response(502, "<html>bad gateway</html>", "AssumeRole"),
                    "STS AssumeRole: HTTP 502 without an STS error document");
  CHECK_THROWS_WITH(parse_sts_response(200, "", "AssumeRole"), Catch::Contains("no <Credentials>"));
  CHECK_THROWS_WITH(
      parse_sts_response(200, "<Credentials><AccessKeyId>A</AccessKeyId></Credentials>", "X"),
      Catch::Contains("<SecretAccessKey>"));
  CHECK_THROWS_WITH(parse_sts_response(200,
                                       "<Credentials><AccessKeyId>A</AccessKeyId><SecretAccessKey>"
                                       "S3CRET-VALUE</SecretAccessKey><SessionToken>T</"
                                       "SessionToken><Expiration>tomorrow</Expiration>"
                                       "</Credentials>",
                                       "X"),
                    !Catch::Contains("S3CRET-VALUE") && Catch::Contains("Expiration"));
  CHECK_THROWS_AS(parse_sts_response(200, "<Credentials><AccessKeyId>A&bogus;</AccessKeyId>", "X"),
                  CredentialError);
}

TEST_CASE("sts: session names and endpoints", "[aws][sts]") {
  CHECK(sanitize_session_name("tide circleci/42") == "tide-circleci-42");
  CHECK(sanitize_session_name("a") == "a-");
  CHECK(sanitize_session_name(std::string(80, 'x')).size() == 64);
  testing::AwsEnv env;
  CHECK(sts_endpoint("eu-west-1") == "https://sts.eu-west-1.amazonaws.com");
  env.set("AWS_ENDPOINT_URL", "http://127.0.0.1:1/");
  CHECK(sts_endpoint("eu-west-1") == "http://127.0.0.1:1");
  env.set("AWS_ENDPOINT_URL_STS", "http://127.0.0.1:2");
  CHECK(sts_endpoint("eu-west-1") == "http://127.0.0.1:2");
}

TEST_CASE("sts: redact replaces secrets", "[aws]") {
  CHECK(redact("a SECRETVALUE1 b SECRETVALUE1", {"SECRETVALUE1", "", "short"}) ==
        "a <redacted> b <redacted>");
  CHECK(redact("h:5432/?Action=connect&X-Amz-Security-Token=abc%2F&X-Amz-Signature=0f9e", {}) ==
        "h:5432/?Action=connect&X-Amz-Security-Token=<redacted>&X-Amz-Signature=<redacted>");
}

TEST_CASE("sts: transient errors are retried like botocore's standard mode", "[aws][sts][retry]") {
  testing::AwsEnv env;
  testing::FakeAws fake({"--sts-fail", "1"});
  env.set("AWS_ENDPOINT_URL_STS", fake.url());
  std::vector<std::chrono::milliseconds> waits;
  AwsOptions o;
  o.sleep = [&](std::chrono::milliseconds d) { waits.push_back(d); };
  o.sts = {std::chrono::milliseconds(300), std::chrono::milliseconds(800)};
  RoleRequest role{"arn:aws:iam::1:role/r", "s", "", 0};

  CHECK(assume_role_with_web_identity("tok", role, "us-east-1", o).access_key_id ==
        "ASIAFAKE00000001");
  CHECK(waits.size() == 1);

  SECTION("Throttling (HTTP 400) once, then success") {
    fake.control("sts_fail=1&fail_with=throttle");
    CHECK(assume_role_with_web_identity("tok", role, "us-east-1", o).access_key_id ==
          "ASIAFAKE00000002");
  }
  SECTION("always throttled: 3 attempts, then the error names the code") {
    fake.control("sts=throttle");
    waits.clear();
    CHECK_THROWS_WITH(assume_role_with_web_identity("tok", role, "us-east-1", o),
                      Catch::Contains("Throttling") && Catch::Contains("3 attempts"));
    CHECK(waits.size() == 2);
  }
  SECTION("AccessDenied is not retried") {
    fake.control("sts=error");
    waits.clear();
    CHECK_THROWS_WITH(assume_role_with_web_identity("tok", role, "us-east-1", o),
                      Catch::Contains("AccessDenied") && !Catch::Contains("attempts"));
    CHECK(waits.empty());
  }
  SECTION("a hanging or black-holed STS is bounded by the timeouts") {
    for (const char* mode : {"sts=hang", "sts=blackhole"}) {
      fake.control(mode);
      auto start = std::chrono::steady_clock::now();
      CHECK_THROWS_WITH(assume_role_with_web_identity("tok", role, "us-east-1", o),
                        Catch::Contains("timed out"));
      CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(5));
    }
  }
}
