// The retry policy for STS and the metadata endpoints: botocore's standard mode (3 attempts,
// truncated binary exponential backoff with full jitter, at most 20 s a wait), bounded in total.
#include <catch2/catch.hpp>

#include "aws/retry.hpp"

using namespace tide::aws;
using std::chrono::milliseconds;

TEST_CASE("retry: backoff is rand * 2^attempt seconds, capped", "[aws][retry]") {
  RetryPolicy p;
  CHECK(p.max_attempts == 3);
  CHECK(backoff(p, 1, 1.0) == milliseconds(1000));
  CHECK(backoff(p, 2, 1.0) == milliseconds(2000));
  CHECK(backoff(p, 2, 0.25) == milliseconds(500));
  CHECK(backoff(p, 10, 1.0) == milliseconds(20000));
  CHECK(backoff(p, 1, 0.0) == milliseconds(0));
}

TEST_CASE("retry: bounded attempts, injected waits, a total budget", "[aws][retry]") {
  AwsOptions o;
  std::vector<milliseconds> waits;
  o.sleep = [&](milliseconds d) { waits.push_back(d); };
  o.jitter = [] { return 1.0; };
  RetryPolicy p;

  int calls = 0;
  auto always = [&](milliseconds) -> Attempt<int> {
    ++calls;
    return Attempt<int>::retryable("HTTP 503");
  };
  CHECK_THROWS_WITH(with_retries<int>(p, o, "STS AssumeRole", always),
                    "STS AssumeRole: HTTP 503 (gave up after 3 attempts)");
  CHECK(calls == 3);
  CHECK(waits == std::vector<milliseconds>{milliseconds(1000), milliseconds(2000)});

  calls = 0;
  waits.clear();
  auto once = [&](milliseconds) -> Attempt<int> {
    return ++calls == 1 ? Attempt<int>::retryable("Throttling") : Attempt<int>::done(42);
  };
  CHECK(with_retries<int>(p, o, "x", once) == 42);
  CHECK(waits.size() == 1);

  calls = 0;
  auto fatal = [&](milliseconds) -> Attempt<int> {
    ++calls;
    return Attempt<int>::fatal("AccessDenied");
  };
  CHECK_THROWS_WITH(with_retries<int>(p, o, "x", fatal), "x: AccessDenied");
  CHECK(calls == 1);

  // The budget: a wait that would end past it is not taken, and each attempt is told how long
  // it may still take.
  p.budget = milliseconds(1500);
  calls = 0;
  waits.clear();
  std::vector<milliseconds> allowed;
  auto timed = [&](milliseconds left) -> Attempt<int> {
    ++calls;
    allowed.push_back(left);
    return Attempt<int>::retryable("timed out");
  };
  CHECK_THROWS_WITH(with_retries<int>(p, o, "x", timed), Catch::Contains("gave up after 2"));
  CHECK(calls == 2);
  REQUIRE(allowed.size() == 2);
  CHECK(allowed[0] == milliseconds(1500));
  CHECK(allowed[1] <= milliseconds(500));
}
