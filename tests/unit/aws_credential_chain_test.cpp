// The credential provider chain against temp config files and the fake AWS endpoints
// (tests/aws/fake_aws.py) on loopback: order, profiles, roles, web identity, containers,
// instance metadata, credential_process, failures, timeouts, and that no secret leaks.
#include <catch2/catch.hpp>
#include <chrono>

#include "aws/credential_chain.hpp"
#include "aws_test_support.hpp"
#include "tide/error.hpp"

using namespace tide::aws;
using tide::aws::testing::AwsEnv;
using tide::aws::testing::FakeAws;

namespace {

const char* kSecret = "envSecretKeyThatMustNeverLeak";
const char* kWebToken = "eyJhbGciOiJSUzI1NiJ9.fake-oidc-token.signature";

AwsOptions fast_options() {
  AwsOptions o;
  o.sts = {std::chrono::milliseconds(300), std::chrono::milliseconds(800)};
  o.metadata = {std::chrono::milliseconds(300), std::chrono::milliseconds(800)};
  // Retries keep their attempts but wait no real time, within a budget that keeps the timeout
  // tests below their bounds.
  o.sleep = [](std::chrono::milliseconds) {};
  o.jitter = [] { return 0.0; };
  o.sts_retry.budget = o.metadata_retry.budget = std::chrono::milliseconds(1500);
  return o;
}

Credentials resolve(const std::string& profile = "") {
  return CredentialChain(profile, "us-east-1", fast_options()).resolve();
}

std::string resolve_error(const std::string& profile = "") {
  try {
    resolve(profile);
  } catch (const tide::Error& e) {
    CHECK(e.code() == tide::ExitCode::kUsage);
    return e.what();
  }
  FAIL("expected resolve() to throw");
  return "";
}

}  // namespace

TEST_CASE("chain: environment variables come first", "[aws][chain]") {
  AwsEnv env;
  env.set("AWS_ACCESS_KEY_ID", "AKIAENV");
  env.set("AWS_SECRET_ACCESS_KEY", kSecret);
  env.set("AWS_SESSION_TOKEN", "envSessionToken");
  env.write("credentials", "[default]\naws_access_key_id = AKIAFILE\naws_secret_access_key = x\n");
  Credentials c = resolve();
  CHECK(c.access_key_id == "AKIAENV");
  CHECK(c.session_token == "envSessionToken");
  CHECK(c.source == "environment variables");
  CHECK_FALSE(c.expiration);

  SECTION("an explicit profile skips them, as the AWS CLI's --profile does") {
    CHECK(resolve("default").access_key_id == "AKIAFILE");
  }
  SECTION("half a key pair is an error that names the missing variable") {
    env.unset("AWS_ACCESS_KEY_ID");
    std::string e = resolve_error();
    CHECK_THAT(e, Catch::Contains("AWS_SECRET_ACCESS_KEY is set without AWS_ACCESS_KEY_ID"));
    CHECK_THAT(e, !Catch::Contains(kSecret));
  }
}

TEST_CASE("chain: shared files and profiles", "[aws][chain]") {
  AwsEnv env;
  env.write("config",
            "# comment\n[default]\nregion = us-east-1\n\n[profile dev]\n"
            "aws_access_key_id = AKIACONFIGDEV\naws_secret_access_key = devsecret\n"
            "s3 =\n  max_concurrent_requests = 10\n[profile both]\naws_access_key_id=AKIACFG\n"
            "aws_secret_access_key=cfg\n[orphan]\naws_access_key_id = ignored\n");
  env.write("credentials",
            "[default]\naws_access_key_id = AKIADEFAULT\naws_secret_access_key = s\n"
            "aws_session_token = t\n[both]\r\naws_access_key_id = AKIACREDS\r\n"
            "aws_secret_access_key = creds\r\n");
  CHECK(resolve().access_key_id == "AKIADEFAULT");
  CHECK(resolve().session_token == "t");
  CHECK(resolve("dev").access_key_id == "AKIACONFIGDEV");
  CHECK(resolve("both").access_key_id == "AKIACREDS");  // credentials file before config file
  env.set("AWS_PROFILE", "dev");
  CHECK(resolve().access_key_id == "AKIACONFIGDEV");
  CHECK_THAT(resolve_error("orphan"), Catch::Contains("profile 'orphan' not found"));
  CHECK_THAT(resolve_error("nope"), Catch::Contains(env.path("config")));
}

TEST_CASE("chain: credential_process", "[aws][chain]") {
  AwsEnv env;
  std::string ok = env.write("ok.sh",
                             "#!/bin/sh\necho '{\"Version\": 1, \"AccessKeyId\": \"AKIAPROC\", "
                             "\"SecretAccessKey\": \"procSecretValue\", \"SessionToken\": "
                             "\"procToken\", \"Expiration\": \"2099-01-01T00:00:00Z\"}'\n",
                             true);
  std::string fails = env.write("fail.sh", "#!/bin/sh\nexit 7\n", true);
  std::string garbage = env.write("garbage.sh", "#!/bin/sh\necho procSecretValue\n", true);
  std::string v2 = env.write("v2.sh", "#!/bin/sh\necho '{\"Version\": 2}'\n", true);
  env.write("config", "[profile ok]\ncredential_process = " + ok +
                          "\n[profile fails]\ncredential_process = " + fails +
                          "\n[profile garbage]\ncredential_process = " + garbage +
                          "\n[profile v2]\ncredential_process = " + v2 + "\n");
  Credentials c = resolve("ok");
  CHECK(c.access_key_id == "AKIAPROC");
  CHECK(c.session_token == "procToken");
  CHECK(c.expiration == parse_iso8601("2099-01-01T00:00:00Z"));
  CHECK_THAT(resolve_error("fails"), Catch::Contains("exited with status 7"));
  std::string e = resolve_error("garbage");
  CHECK_THAT(e, Catch::Contains("not a JSON object") && !Catch::Contains("procSecretValue"));
  CHECK_THAT(resolve_error("v2"), Catch::Contains("\"Version\": 1"));
}

TEST_CASE("chain: role_arn with source_profile assumes the role through STS", "[aws][chain]") {
  AwsEnv env;
  FakeAws fake;
  env.set("AWS_ENDPOINT_URL_STS", fake.url());
  env.write("credentials", "[base]\naws_access_key_id = AKIABASE\naws_secret_access_key = " +
                               std::string(kSecret) + "\n");
  env.write("config",
            "[profile deploy]\nrole_arn = arn:aws:iam::123456789012:role/deploy\n"
            "source_profile = base\nrole_session_name = my-session\n"
            "[profile chained]\nrole_arn = arn:aws:iam::123456789012:role/second\n"
            "source_profile = deploy\n"
            "[profile loop1]\nrole_arn = arn:aws:iam::1:role/a\nsource_profile = loop2\n"
            "[profile loop2]\nrole_arn = arn:aws:iam::1:role/b\nsource_profile = loop1\n"
            "[profile mfa]\nrole_arn = arn:aws:iam::1:role/a\nsource_profile = base\n"
            "mfa_serial = arn:aws:iam::1:mfa/me\n"
            "[profile fromenv]\nrole_arn = arn:aws:iam::1:role/e\n"
            "credential_source = Environment\n");

  Credentials c = resolve("deploy");
  CHECK(c.access_key_id == "ASIAFAKE00000001");
  CHECK(c.expiration);
  CHECK_THAT(c.source, Catch::Contains("role/deploy"));
  std::string log = fake.log();
  CHECK_THAT(log, Catch::Contains("\"action\": \"AssumeRole\""));
  CHECK_THAT(log, Catch::Contains("\"session_name\": \"my-session\""));
  CHECK_THAT(log, Catch::Contains("Credential=AKIABASE/"));  // signed with the source profile
  CHECK_THAT(log, Catch::Contains("x-www-form-urlencoded"));

  CHECK(resolve("chained").access_key_id == "ASIAFAKE00000003");  // two AssumeRole calls
  CHECK_THAT(fake.log(), Catch::Contains("Credential=ASIAFAKE00000002/"));
  CHECK_THAT(resolve_error("loop1"), Catch::Contains("loop"));
  CHECK_THAT(resolve_error("mfa"), Catch::Contains("mfa_serial"));

  env.set("AWS_ACCESS_KEY_ID", "AKIAFROMENV");
  env.set("AWS_SECRET_ACCESS_KEY", kSecret);
  CHECK(resolve("fromenv").access_key_id.rfind("ASIAFAKE", 0) == 0);
  CHECK_THAT(fake.log(), Catch::Contains("Credential=AKIAFROMENV/"));

  SECTION("an STS refusal is reported with its code, without secrets") {
    fake.control("sts=error_echo");
    std::string e = resolve_error("deploy");
    CHECK_THAT(e, Catch::Contains("STS AssumeRole: AccessDenied") &&
                      Catch::Contains("<redacted>"));  // the fake echoed the Authorization
    CHECK_THAT(e, !Catch::Contains(kSecret) && Catch::Contains("Signature=<redacted>"));
  }
  SECTION("a malformed answer is reported as such") {
    fake.control("sts=malformed");
    CHECK_THAT(resolve_error("deploy"), Catch::Contains("malformed"));
    fake.control("sts=http500");
    CHECK_THAT(resolve_error("deploy"), Catch::Contains("HTTP 500"));
  }
  SECTION("a slow STS is cut off by the timeout") {
    fake.control("sts=slow&delay=5");
    auto start = std::chrono::steady_clock::now();
    CHECK_THAT(resolve_error("deploy"),
               Catch::Contains("AssumeRole") && Catch::Contains("timed out"));
    CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(3));
  }
}

TEST_CASE("chain: web identity from AWS_WEB_IDENTITY_TOKEN_FILE", "[aws][chain]") {
  AwsEnv env;
  FakeAws fake;
  env.set("AWS_ENDPOINT_URL", fake.url());  // the generic override works too
  env.set("AWS_WEB_IDENTITY_TOKEN_FILE", env.write("token", std::string(kWebToken) + "\n"));
  env.set("AWS_ROLE_ARN", "arn:aws:iam::123456789012:role/ci");
  env.set("AWS_ROLE_SESSION_NAME", "ci-run-1");
  Credentials c = resolve();
  CHECK(c.access_key_id == "ASIAFAKE00000001");
  std::string log = fake.log();
  CHECK_THAT(log, Catch::Contains("\"action\": \"AssumeRoleWithWebIdentity\""));
  CHECK_THAT(log, Catch::Contains(std::string("\"web_identity_token\": \"") + kWebToken + "\""));
  CHECK_THAT(log, Catch::Contains("\"authorization\": \"\""));  // unsigned call
  CHECK_THAT(log, Catch::Contains("ci-run-1"));

  SECTION("the token never appears in errors, even when STS echoes it") {
    fake.control("sts=error_echo");
    std::string e = resolve_error();
    CHECK_THAT(e, Catch::Contains("AccessDenied") && Catch::Contains("<redacted>"));
    CHECK_THAT(e, !Catch::Contains(kWebToken));
  }
  SECTION("a token file without a role is a configuration error") {
    env.unset("AWS_ROLE_ARN");
    CHECK_THAT(resolve_error(), Catch::Contains("AWS_ROLE_ARN"));
  }
  SECTION("an unreadable token file is named") {
    env.set("AWS_WEB_IDENTITY_TOKEN_FILE", env.path("missing"));
    CHECK_THAT(resolve_error(), Catch::Contains(env.path("missing")));
  }
}

TEST_CASE("chain: ECS container credentials", "[aws][chain]") {
  AwsEnv env;
  FakeAws fake({"--ecs-auth", "container-auth-token-123"});
  env.set("AWS_CONTAINER_CREDENTIALS_FULL_URI", fake.url() + "/ecs/creds");
  env.set("AWS_CONTAINER_AUTHORIZATION_TOKEN", "container-auth-token-123");
  Credentials c = resolve();
  CHECK(c.access_key_id == "ASIAFAKE00000001");
  CHECK(c.expiration);
  CHECK_THAT(c.source, Catch::Contains("container"));

  SECTION("authorization token from a file") {
    env.unset("AWS_CONTAINER_AUTHORIZATION_TOKEN");
    env.set("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE",
            env.write("auth", "container-auth-token-123\n"));
    CHECK(resolve().access_key_id == "ASIAFAKE00000002");
  }
  SECTION("a wrong token is refused and not printed") {
    env.set("AWS_CONTAINER_AUTHORIZATION_TOKEN", "wrong-token-value-xyz");
    std::string e = resolve_error();
    CHECK_THAT(e, Catch::Contains("HTTP 401") && !Catch::Contains("wrong-token-value-xyz"));
  }
  SECTION("malformed JSON and timeouts") {
    fake.control("ecs=malformed");
    CHECK_THAT(resolve_error(), Catch::Contains("not a JSON object"));
    fake.control("ecs=slow&delay=5");
    auto start = std::chrono::steady_clock::now();
    CHECK_THAT(resolve_error(), Catch::Contains("container credentials"));
    CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(3));
  }
  SECTION("a full URI to a non-local http host is refused") {
    env.set("AWS_CONTAINER_CREDENTIALS_FULL_URI", "http://10.1.2.3/creds");
    CHECK_THAT(resolve_error(), Catch::Contains("must be https"));
  }
}

TEST_CASE("chain: EC2 instance metadata (IMDSv2)", "[aws][chain]") {
  AwsEnv env;
  FakeAws fake;
  env.unset("AWS_EC2_METADATA_DISABLED");
  env.set("AWS_EC2_METADATA_SERVICE_ENDPOINT", fake.url() + "/");
  Credentials c = resolve();
  CHECK(c.access_key_id == "ASIAFAKE00000001");
  CHECK(c.source == "EC2 instance role fake-instance-role");
  CHECK_THAT(fake.log(), Catch::Contains("\"method\": \"PUT\""));

  SECTION("IMDSv1-only hosts still work, as in botocore") {
    fake.control("imds=v1");
    CHECK(resolve().access_key_id == "ASIAFAKE00000002");
  }
  SECTION("no role, bad answers, slowness: reported in the list of providers tried") {
    fake.control("imds=norole");
    std::string e = resolve_error();
    CHECK_THAT(e, Catch::Contains("no IAM role attached"));
    CHECK_THAT(e, Catch::Contains("environment variables: AWS_ACCESS_KEY_ID not set"));
    CHECK_THAT(e, Catch::Contains("web identity"));
    CHECK_THAT(e, Catch::Contains("container credentials"));
    fake.control("imds=malformed");
    CHECK_THAT(resolve_error(), Catch::Contains("not a JSON object"));
    fake.control("imds=notsuccess");
    CHECK_THAT(resolve_error(), Catch::Contains("AssumeRoleUnauthorizedAccess"));
    fake.control("imds=slow&delay=5");
    auto start = std::chrono::steady_clock::now();
    CHECK_THAT(resolve_error(), Catch::Contains("instance metadata"));
    CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(3));
  }
}

TEST_CASE("chain: nothing configured names every provider tried", "[aws][chain]") {
  AwsEnv env;
  std::string e = resolve_error();
  CHECK_THAT(e, Catch::Contains("no AWS credentials found"));
  CHECK_THAT(e, Catch::Contains("environment variables"));
  CHECK_THAT(e, Catch::Contains("web identity"));
  CHECK_THAT(e, Catch::Contains("profile 'default'"));
  CHECK_THAT(e, Catch::Contains("container credentials"));
  CHECK_THAT(e, Catch::Contains("disabled by AWS_EC2_METADATA_DISABLED"));
  CHECK_THAT(e, Catch::Contains("docs/iam.md"));

  SECTION("an SSO profile gets the credential_process recipe") {
    env.write("config", "[profile sso]\nsso_session = corp\nsso_account_id = 1\n");
    CHECK_THAT(resolve_error("sso"), Catch::Contains("export-credentials --profile sso"));
  }
}

TEST_CASE("chain: profile and token variables, case by case as botocore", "[aws][chain]") {
  AwsEnv env;
  env.write("credentials",
            "[a]\naws_access_key_id = AKIAA\naws_secret_access_key = sa\n"
            "[b]\naws_access_key_id = AKIAB\naws_secret_access_key = sb\n"
            "aws_session_token = session-b\naws_security_token = security-b\n");
  SECTION("AWS_DEFAULT_PROFILE wins over AWS_PROFILE") {
    env.set("AWS_PROFILE", "a");
    env.set("AWS_DEFAULT_PROFILE", "b");
    CHECK(resolve().access_key_id == "AKIAB");
  }
  SECTION("aws_security_token wins over aws_session_token") {
    CHECK(resolve("b").session_token == "security-b");
  }
  SECTION("a named profile that does not exist is an error even with env keys") {
    env.set("AWS_PROFILE", "nosuch");
    env.set("AWS_ACCESS_KEY_ID", "AKIAENV");
    env.set("AWS_SECRET_ACCESS_KEY", kSecret);
    CHECK_THAT(resolve_error(), Catch::Contains("profile 'nosuch' not found"));
    env.set("AWS_PROFILE", "default");  // named, so it must exist, "default" too
    CHECK_THAT(resolve_error(), Catch::Contains("profile 'default' not found"));
    env.unset("AWS_PROFILE");  // not named: a missing default is fine
    CHECK(resolve().access_key_id == "AKIAENV");
  }
  SECTION("AWS_SECURITY_TOKEN wins over AWS_SESSION_TOKEN") {
    env.set("AWS_ACCESS_KEY_ID", "AKIAENV");
    env.set("AWS_SECRET_ACCESS_KEY", kSecret);
    env.set("AWS_SESSION_TOKEN", "env-session");
    env.set("AWS_SECURITY_TOKEN", "env-security");
    CHECK(resolve().session_token == "env-security");
  }
  SECTION("credential_process in the credentials file is honoured") {
    std::string ok = env.write("ok.sh",
                               "#!/bin/sh\necho '{\"Version\": 1, \"AccessKeyId\": \"AKIAPROC\", "
                               "\"SecretAccessKey\": \"procSecretValue\"}'\n",
                               true);
    env.write("credentials", "[p]\ncredential_process = " + ok + "\n");
    CHECK(resolve("p").access_key_id == "AKIAPROC");
  }
  SECTION("a duplicate section is an error naming the file, never a mix of two sections") {
    env.write("credentials",
              "[default]\naws_access_key_id = AKIAONE\n[default]\naws_secret_access_key = two\n");
    CHECK_THAT(resolve_error(), Catch::Contains(env.path("credentials")) &&
                                    Catch::Contains("duplicate section [default]"));
  }
}
