// AWS credentials and the options shared by everything that fetches them.
#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <string>

namespace tide::aws {

using TimePoint = std::chrono::system_clock::time_point;
using Clock = std::function<TimePoint()>;

// One set of AWS credentials. Temporary ones carry their expiry.
struct Credentials {
  std::string access_key_id;
  std::string secret_access_key;
  std::string session_token;            // empty for long-term keys
  std::optional<TimePoint> expiration;  // empty: does not expire
  std::string source;                   // where they came from, e.g. "environment variables"
};

// Timeouts of one HTTP call: connecting, and the whole exchange.
struct HttpTimeouts {
  std::chrono::milliseconds connect{1000};
  std::chrono::milliseconds total{2000};
};

// How often and how long a call to STS or a metadata endpoint is retried after a transient
// failure: botocore's standard retry mode (3 attempts in all, waits of rand(0,1) * 2^n seconds,
// at most 20 s each), plus a bound on the whole exchange.
struct RetryPolicy {
  int max_attempts = 3;
  std::chrono::milliseconds max_backoff{20000};
  std::chrono::milliseconds budget{60000};  // no attempt starts, no wait ends, after this
};

// Knobs for the provider chain; the defaults are what a real run uses, tests shorten them.
struct AwsOptions {
  Clock clock = [] { return std::chrono::system_clock::now(); };
  HttpTimeouts sts{std::chrono::milliseconds(5000), std::chrono::milliseconds(30000)};
  HttpTimeouts metadata{};  // ECS and IMDS, like botocore's 1 s metadata timeout (+1 s transfer)
  RetryPolicy sts_retry{};
  RetryPolicy metadata_retry{3, std::chrono::milliseconds(4000), std::chrono::milliseconds(10000)};
  // How long a credential_process may run before it is killed (TIDE_CREDENTIAL_PROCESS_TIMEOUT
  // overrides it).
  std::chrono::milliseconds process_timeout{60000};
  // The waits between retries and their jitter in [0, 1]; tests inject both.
  std::function<void(std::chrono::milliseconds)> sleep;  // empty: really sleep
  std::function<double()> jitter;                        // empty: uniformly random
};

// Temporary credentials are refreshed when less than this remains: an RDS token lives 900 s,
// and it is only valid while the credentials that signed it are.
constexpr std::chrono::seconds kRefreshWindow{15 * 60};

// True when `c` expires within `window` of `now` (never for long-term keys).
bool expires_within(const Credentials& c, TimePoint now, std::chrono::seconds window);

// Parses an ISO 8601 UTC time as AWS returns it ("2024-05-01T12:00:00Z", with optional
// fractional seconds or a +HH:MM offset). Returns nullopt when it is not one.
std::optional<TimePoint> parse_iso8601(const std::string& text);

// Formats a time as "2024-05-01T12:00:00Z" (for logs; expiry times are not secret).
std::string format_iso8601(TimePoint t);

}  // namespace tide::aws
