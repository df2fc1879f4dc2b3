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

// Knobs for the provider chain; the defaults are what a real run uses, tests shorten them.
struct AwsOptions {
  Clock clock = [] { return std::chrono::system_clock::now(); };
  HttpTimeouts sts{std::chrono::milliseconds(5000), std::chrono::milliseconds(30000)};
  HttpTimeouts metadata{};  // ECS and IMDS, like botocore's 1 s metadata timeout (+1 s transfer)
  int metadata_attempts = 1;
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
