// Durations as written in migration markers, config and flags: 500ms, 5s, 10m, 1h, 0.
#pragma once

#include <chrono>
#include <optional>
#include <string>

namespace tide {

using Millis = std::chrono::milliseconds;

// Parses "500ms", "5s", "10m", "1h" or "0". Returns nullopt on anything else.
std::optional<Millis> parse_duration(const std::string& text);

// The longest duration tide accepts: PostgreSQL's lock_timeout and statement_timeout take at
// most INT_MAX milliseconds, and the other durations share the bound.
constexpr Millis kMaxDuration{2147483647};

// Why `text` is not an acceptable duration, for a message after "KEY: "; "" when it is one
// within kMaxDuration.
std::string duration_error(const std::string& text);

// Renders a duration the way a user would write it ("5s", "1500ms", "2m").
std::string format_duration(Millis d);

}  // namespace tide
