// Retrying calls to STS and the metadata endpoints after transient failures, the way botocore's
// standard retry mode does: bounded attempts, exponential backoff with full jitter, and a bound
// on the total time. Which failures are transient is the caller's call (see sts.cpp and
// metadata_credentials.cpp); waits go through AwsOptions::sleep so tests never sleep for real.
#pragma once

#include <spdlog/spdlog.h>

#include <chrono>
#include <optional>
#include <string>

#include "aws/provider.hpp"
#include "tide/aws/credentials.hpp"

namespace tide::aws {

// The outcome of one attempt: a value, a failure worth another try, or a final failure.
template <typename T>
struct Attempt {
  std::optional<T> value;
  std::string error;
  bool retry = false;

  static Attempt done(T v) { return {std::move(v), "", false}; }
  static Attempt retryable(std::string why) { return {std::nullopt, std::move(why), true}; }
  static Attempt fatal(std::string why) { return {std::nullopt, std::move(why), false}; }
};

// The wait before attempt `attempt + 1`: min(jitter * 2^(attempt-1) s, max_backoff).
std::chrono::milliseconds backoff(const RetryPolicy& policy, int attempt, double jitter);

// A jitter in [0, 1] from opts.jitter, or uniformly random.
double draw_jitter(const AwsOptions& opts);

// Waits through opts.sleep, or really sleeps.
void pause(const AwsOptions& opts, std::chrono::milliseconds d);

// Runs `attempt(time_left)` until it succeeds, fails for good, or runs out of attempts or of
// the policy's budget (time spent in attempts plus waits; a wait that would end past the budget
// is not taken). Throws CredentialError "WHAT: error", plus "(gave up after N attempts)" once it
// has retried or was cut short.
template <typename T, typename F>
T with_retries(const RetryPolicy& policy, const AwsOptions& opts, const std::string& what,
               F&& attempt) {
  using std::chrono::milliseconds;
  milliseconds spent{0};
  for (int n = 1;; ++n) {
    const auto started = std::chrono::steady_clock::now();
    Attempt<T> a = attempt(policy.budget - spent);
    spent += std::chrono::duration_cast<milliseconds>(std::chrono::steady_clock::now() - started);
    if (a.value) return std::move(*a.value);
    if (!a.retry) throw CredentialError(what + ": " + a.error);
    const milliseconds wait = backoff(policy, n, draw_jitter(opts));
    if (n >= policy.max_attempts || spent + wait >= policy.budget) {
      throw CredentialError(what + ": " + a.error + " (gave up after " + std::to_string(n) +
                            (n == 1 ? " attempt)" : " attempts)"));
    }
    spdlog::debug("aws: {}: {}; attempt {} of {} in {} ms", what, a.error, n + 1,
                  policy.max_attempts, wait.count());
    pause(opts, wait);
    spent += wait;
  }
}

}  // namespace tide::aws
