// Backoff and waits for the retry policy (see retry.hpp).
#include "aws/retry.hpp"

#include <algorithm>
#include <random>
#include <thread>

namespace tide::aws {

std::chrono::milliseconds backoff(const RetryPolicy& policy, int attempt, double jitter) {
  jitter = std::clamp(jitter, 0.0, 1.0);
  const double exp = attempt <= 1 ? 1.0 : static_cast<double>(1LL << std::min(attempt - 1, 30));
  const double ms =
      std::min(jitter * exp * 1000.0, static_cast<double>(policy.max_backoff.count()));
  return std::chrono::milliseconds(static_cast<long long>(ms));
}

double draw_jitter(const AwsOptions& opts) {
  if (opts.jitter) return opts.jitter();
  thread_local std::mt19937_64 rng{std::random_device{}()};
  return std::uniform_real_distribution<double>(0.0, 1.0)(rng);
}

void pause(const AwsOptions& opts, std::chrono::milliseconds d) {
  if (opts.sleep) {
    opts.sleep(d);
  } else if (d.count() > 0) {
    std::this_thread::sleep_for(d);
  }
}

}  // namespace tide::aws
