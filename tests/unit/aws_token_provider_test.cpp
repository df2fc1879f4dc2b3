// RdsTokenProvider over a run: a fresh token per call, credentials cached, temporary ones
// refreshed once less than 15 minutes remain, role_arn on top of the chain, CircleCI OIDC.
#include <catch2/catch.hpp>
#include <chrono>

#include "aws_test_support.hpp"
#include "tide/aws/rds_token.hpp"
#include "tide/aws/sigv4.hpp"
#include "tide/error.hpp"

using namespace tide::aws;
using std::chrono::minutes;
using tide::aws::testing::AwsEnv;
using tide::aws::testing::FakeAws;

namespace {

// A clock the test moves by hand, starting at the real time (the fake's expiries are real).
struct TestClock {
  TimePoint now = std::chrono::system_clock::now();
  Clock fn() {
    return [this] { return now; };
  }
};

size_t count(const std::string& haystack, const std::string& needle) {
  size_t n = 0;
  for (size_t p = haystack.find(needle); p != std::string::npos; p = haystack.find(needle, p + 1)) {
    ++n;
  }
  return n;
}

IamTarget target() {
  IamTarget t;
  t.host = "mydb.cluster-c1a2b3.us-east-1.rds.amazonaws.com";
  t.user = "migrator";
  t.role_arn = "arn:aws:iam::123456789012:role/migrator";
  return t;
}

}  // namespace

TEST_CASE("token provider: refreshes role credentials 15 minutes before expiry",
          "[aws][provider]") {
  AwsEnv env;
  FakeAws fake({"--expires-in", "3600"});
  env.set("AWS_ENDPOINT_URL_STS", fake.url());
  env.set("AWS_ACCESS_KEY_ID", "AKIABASEUSER");
  env.set("AWS_SECRET_ACCESS_KEY", "baseSecretKeyValue");
  TestClock clock;
  AwsOptions opts;
  opts.clock = clock.fn();
  RdsTokenProvider provider(target(), opts);
  CHECK(provider.credentials_source().empty());

  std::string t1 = provider.token();
  CHECK_THAT(t1, Catch::StartsWith("mydb.cluster-c1a2b3.us-east-1.rds.amazonaws.com:5432/?"
                                   "Action=connect&DBUser=migrator&"));
  CHECK_THAT(t1, Catch::Contains("X-Amz-Credential=ASIAFAKE00000001%2F"));
  CHECK_THAT(t1, Catch::Contains("X-Amz-Security-Token="));
  CHECK_THAT(provider.credentials_source(), Catch::Contains("role/migrator"));
  CHECK_THAT(fake.log(), Catch::Contains("Credential=AKIABASEUSER/"));

  clock.now += minutes(44);  // 16 minutes left: cached, but a fresh signature
  std::string t2 = provider.token();
  CHECK_THAT(t2, Catch::Contains("ASIAFAKE00000001"));
  CHECK(t2 != t1);
  CHECK(count(fake.log(), "\"action\"") == 1);

  clock.now += minutes(2);  // 14 minutes left: refetched
  fake.control("expires_in=7200");
  CHECK_THAT(provider.token(), Catch::Contains("ASIAFAKE00000002"));
  CHECK(count(fake.log(), "\"action\"") == 2);
}

TEST_CASE("token provider: static keys are never refetched", "[aws][provider]") {
  AwsEnv env;
  env.write("credentials",
            "[default]\naws_access_key_id = AKIASTATIC\naws_secret_access_key = s\n");
  TestClock clock;
  AwsOptions opts;
  opts.clock = clock.fn();
  IamTarget t = target();
  t.role_arn.clear();
  RdsTokenProvider provider(t, opts);
  CHECK_THAT(provider.token(), Catch::Contains("AKIASTATIC"));
  env.write("credentials",
            "[default]\naws_access_key_id = AKIACHANGED\naws_secret_access_key = s\n");
  clock.now += std::chrono::hours(24);
  CHECK_THAT(provider.token(), Catch::Contains("AKIASTATIC"));
  CHECK_THAT(provider.token(), Catch::Contains("X-Amz-Date=" + sigv4::amz_date(clock.now)));
}

TEST_CASE("token provider: CircleCI OIDC token goes straight to the role", "[aws][provider]") {
  AwsEnv env;
  FakeAws fake;
  env.set("AWS_ENDPOINT_URL_STS", fake.url());
  env.set("CIRCLE_OIDC_TOKEN_V2", "circleci-oidc-v2-token-value");
  env.set("CIRCLE_OIDC_TOKEN", "circleci-oidc-v1-token-value");
  env.set("CIRCLE_BUILD_NUM", "4711");
  RdsTokenProvider provider(target());
  CHECK_THAT(provider.token(), Catch::Contains("ASIAFAKE00000001"));
  std::string log = fake.log();
  CHECK_THAT(log, Catch::Contains("\"web_identity_token\": \"circleci-oidc-v2-token-value\""));
  CHECK_THAT(log, Catch::Contains("\"session_name\": \"tide-circleci-4711\""));
  CHECK_THAT(log, Catch::Contains("\"role_arn\": \"arn:aws:iam::123456789012:role/migrator\""));

  SECTION("a refusal names the role and hides the token") {
    fake.control("sts=error_echo");
    RdsTokenProvider refused(target());
    try {
      refused.token();
      FAIL("expected an error");
    } catch (const tide::Error& e) {
      CHECK(e.code() == tide::ExitCode::kUsage);
      CHECK_THAT(e.what(), Catch::Contains("arn:aws:iam::123456789012:role/migrator") &&
                               Catch::Contains("AccessDenied") &&
                               !Catch::Contains("circleci-oidc-v2-token-value"));
    }
  }
}

namespace {

std::string token_error(RdsTokenProvider& provider) {
  try {
    provider.token();
  } catch (const tide::Error& e) {
    CHECK(e.code() == tide::ExitCode::kUsage);
    return e.what();
  }
  FAIL("expected token() to throw");
  return "";
}

}  // namespace

TEST_CASE("token provider: expired credentials never sign a token", "[aws][provider][expired]") {
  AwsEnv env;
  IamTarget t = target();
  t.role_arn.clear();

  SECTION("env keys with AWS_CREDENTIAL_EXPIRATION in the past") {
    env.set("AWS_ACCESS_KEY_ID", "AKIAENV");
    env.set("AWS_SECRET_ACCESS_KEY", "envSecretKeyValue");
    env.set("AWS_CREDENTIAL_EXPIRATION", "2020-01-01T00:00:00Z");
    RdsTokenProvider provider(t);
    std::string e = token_error(provider);
    CHECK_THAT(e, Catch::Contains("environment variables") && Catch::Contains("expired") &&
                      Catch::Contains("2020-01-01T00:00:00Z") && !Catch::Contains("X-Amz"));
  }
  SECTION("credential_process printing a past Expiration") {
    std::string cmd = env.write("old.sh",
                                "#!/bin/sh\necho '{\"Version\": 1, \"AccessKeyId\": \"AKIAP\", "
                                "\"SecretAccessKey\": \"procSecretValue\", \"Expiration\": "
                                "\"2020-01-01T00:00:00Z\"}'\n",
                                true);
    env.write("config", "[profile old]\ncredential_process = " + cmd + "\n");
    t.profile = "old";
    RdsTokenProvider provider(t);
    CHECK_THAT(token_error(provider),
               Catch::Contains("credential_process (profile old)") && Catch::Contains("expired"));
  }
  SECTION("STS handing out expired credentials: refreshed once, then an error") {
    FakeAws fake({"--expired-first", "5"});
    env.set("AWS_ENDPOINT_URL_STS", fake.url());
    env.set("AWS_ACCESS_KEY_ID", "AKIABASEUSER");
    env.set("AWS_SECRET_ACCESS_KEY", "baseSecretKeyValue");
    RdsTokenProvider provider(target());
    CHECK_THAT(token_error(provider), Catch::Contains("role/migrator") &&
                                          Catch::Contains("still expired after a refresh"));
    CHECK(count(fake.log(), "\"action\"") == 2);
  }
  SECTION("STS handing out one expired set: the refresh fixes it") {
    FakeAws fake({"--expired-first", "1"});
    env.set("AWS_ENDPOINT_URL_STS", fake.url());
    env.set("AWS_ACCESS_KEY_ID", "AKIABASEUSER");
    env.set("AWS_SECRET_ACCESS_KEY", "baseSecretKeyValue");
    RdsTokenProvider provider(target());
    CHECK_THAT(provider.token(), Catch::Contains("ASIAFAKE00000002"));
  }
}
