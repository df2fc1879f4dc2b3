// Container and instance metadata and credential_process, on the rules botocore follows: the
// container URL allow-list, IMDSv1 opt-out, a bounded credential_process, and retries of
// transient metadata failures (waits injected, so nothing sleeps for real).
#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <fstream>
#include <iterator>
#include <thread>

#include "aws/credential_process.hpp"
#include "aws/metadata_credentials.hpp"
#include "aws/provider.hpp"
#include "aws_test_support.hpp"

using namespace tide::aws;
using std::chrono::milliseconds;
using tide::aws::testing::AwsEnv;
using tide::aws::testing::FakeAws;

namespace {

struct RecordedWaits {
  std::vector<milliseconds> waits;
  AwsOptions options() {
    AwsOptions o;
    o.metadata = {milliseconds(300), milliseconds(800)};
    o.sleep = [this](milliseconds d) { waits.push_back(d); };
    o.jitter = [] { return 0.5; };
    return o;
  }
};

// Points stdin at /dev/null for the object's lifetime.
class StdinFromDevNull {
 public:
  StdinFromDevNull() : saved_(::dup(STDIN_FILENO)) {
    int null = ::open("/dev/null", O_RDONLY);
    ::dup2(null, STDIN_FILENO);
    ::close(null);
  }
  ~StdinFromDevNull() {
    ::dup2(saved_, STDIN_FILENO);
    ::close(saved_);
  }
  StdinFromDevNull(const StdinFromDevNull&) = delete;
  StdinFromDevNull& operator=(const StdinFromDevNull&) = delete;

 private:
  int saved_;
};

// True once `pid` is gone or a zombie (its parent may be a shell that init reaps later).
bool stopped_within(int pid, std::chrono::seconds limit) {
  auto deadline = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < deadline) {
    std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
    std::string text((std::istreambuf_iterator<char>(stat)), std::istreambuf_iterator<char>());
    auto close = text.rfind(')');
    if (!stat || close == std::string::npos || text.substr(close + 2, 1) == "Z") return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return false;
}

}  // namespace

TEST_CASE("container URL: http only to loopback literals and the ECS/EKS agents",
          "[aws][container]") {
  for (const char* ok :
       {"https://creds.example.com/x", "http://127.0.0.1:8080/creds", "http://127.9.8.7/c",
        "http://[::1]:9/c", "http://localhost/c", "http://LOCALHOST:1/c", "http://169.254.170.2/v2",
        "http://169.254.170.23/v1/credentials", "http://[fd00:ec2::23]/v1/credentials"}) {
    CAPTURE(ok);
    CHECK(container_url_allowed(ok));
  }
  for (const char* bad :
       {"http://127.0.0.1.example.invalid/creds", "http://127.0.0.1@evil.example/c",
        "http://10.1.2.3/creds", "http://localhost.evil.example/c", "http://169.254.170.22/c",
        "ftp://127.0.0.1/c", "127.0.0.1/creds", "http://[::2]/c", "", "http:///c"}) {
    CAPTURE(bad);
    CHECK_FALSE(container_url_allowed(bad));
  }
}

TEST_CASE("container credentials: a look-alike loopback host gets no request", "[aws][container]") {
  AwsEnv env;
  env.set("AWS_CONTAINER_CREDENTIALS_FULL_URI", "http://127.0.0.1.example.invalid/creds");
  env.set("AWS_CONTAINER_AUTHORIZATION_TOKEN", "container-auth-token-123");
  std::string why;
  CHECK_THROWS_WITH(container_credentials(AwsOptions{}, why),
                    Catch::Contains("must be https") &&
                        Catch::Contains("127.0.0.1.example.invalid") &&
                        !Catch::Contains("container-auth-token-123"));
}

TEST_CASE("container credentials: one HTTP 500 is retried after a backoff",
          "[aws][container][retry]") {
  AwsEnv env;
  FakeAws fake({"--ecs-fail", "1"});
  env.set("AWS_CONTAINER_CREDENTIALS_FULL_URI", fake.url() + "/ecs/creds");
  RecordedWaits rec;
  std::string why;
  auto c = container_credentials(rec.options(), why);
  REQUIRE(c);
  CHECK(c->access_key_id == "ASIAFAKE00000001");
  CHECK(rec.waits.size() == 1);

  SECTION("a black-holed endpoint gives up within the attempts' timeouts") {
    fake.control("ecs=blackhole");
    auto start = std::chrono::steady_clock::now();
    CHECK_THROWS_WITH(container_credentials(rec.options(), why),
                      Catch::Contains("container credentials") && Catch::Contains("timed out"));
    CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(4));
  }
}

TEST_CASE("instance metadata: AWS_EC2_METADATA_V1_DISABLED forbids the IMDSv1 fallback",
          "[aws][imds]") {
  AwsEnv env;
  FakeAws fake({"--imds", "v1"});
  env.unset("AWS_EC2_METADATA_DISABLED");
  env.set("AWS_EC2_METADATA_SERVICE_ENDPOINT", fake.url());
  RecordedWaits rec;
  std::string why;
  CHECK(instance_credentials(rec.options(), why));  // v1 fallback allowed by default
  env.set("AWS_EC2_METADATA_V1_DISABLED", "true");
  CHECK_FALSE(instance_credentials(rec.options(), why));
  CHECK_THAT(why, Catch::Contains("IMDSv1") && Catch::Contains("AWS_EC2_METADATA_V1_DISABLED"));
}

TEST_CASE("instance metadata: a 500 on the credentials is retried", "[aws][imds][retry]") {
  AwsEnv env;
  FakeAws fake({"--imds-fail", "1"});
  env.unset("AWS_EC2_METADATA_DISABLED");
  env.set("AWS_EC2_METADATA_SERVICE_ENDPOINT", fake.url());
  RecordedWaits rec;
  std::string why;
  auto c = instance_credentials(rec.options(), why);
  INFO(why);
  REQUIRE(c);
  CHECK(rec.waits.size() == 1);
}

TEST_CASE("credential_process: one that never exits is killed after the timeout",
          "[aws][process]") {
  AwsEnv env;
  std::string pidfile = env.path("pid");
  std::string cmd =
      env.write("hang.sh", "#!/bin/sh\necho $$ > " + pidfile + "\nexec sleep 300\n", true);
  // With stdin on a terminal the command stays in tide's process group (so it may prompt) and
  // only the shell is killed; the test checks the usual non-interactive case, stdin not a tty.
  StdinFromDevNull no_tty;
  AwsOptions opts;
  opts.process_timeout = milliseconds(300);
  auto start = std::chrono::steady_clock::now();
  CHECK_THROWS_WITH(process_credentials(cmd, "slow", opts),
                    Catch::Contains("credential_process of profile slow") &&
                        Catch::Contains("did not finish within 300ms"));
  CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(3));
  int pid = 0;
  std::ifstream(pidfile) >> pid;
  REQUIRE(pid > 0);
  CHECK(stopped_within(pid, std::chrono::seconds(2)));  // killed, not left running

  SECTION("the timeout comes from TIDE_CREDENTIAL_PROCESS_TIMEOUT") {
    env.set("TIDE_CREDENTIAL_PROCESS_TIMEOUT", "200ms");
    CHECK_THROWS_WITH(process_credentials(cmd, "slow", AwsOptions{}),
                      Catch::Contains("within 200ms"));
    env.set("TIDE_CREDENTIAL_PROCESS_TIMEOUT", "soon");
    CHECK_THROWS_WITH(process_credentials(cmd, "slow", AwsOptions{}),
                      Catch::Contains("TIDE_CREDENTIAL_PROCESS_TIMEOUT"));
    ::unsetenv("TIDE_CREDENTIAL_PROCESS_TIMEOUT");
  }
}
