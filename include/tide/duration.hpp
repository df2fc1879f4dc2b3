// Durations as written in migration markers, config and flags: 500ms, 5s, 10m, 1h, 0.
#pragma once

#include <chrono>
#include <optional>
#include <string>

namespace tide {

using Millis = std::chrono::milliseconds;

// Parses "500ms", "5s", "10m", "1h" or "0". Returns nullopt on anything else.
std::optional<Millis> parse_duration(const std::string& text);

// Renders a duration the way a user would write it ("5s", "1500ms", "2m").
std::string format_duration(Millis d);

}  // namespace tide
