// Parsing and printing of durations (see include/tide/util/duration.hpp).
#include "tide/util/duration.hpp"

#include <fmt/format.h>

#include <cctype>
#include <limits>

namespace tide {

std::optional<Millis> parse_duration(const std::string& text) {
  if (text == "0") return Millis(0);
  size_t i = 0;
  long long value = 0;
  while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) {
    if (value > std::numeric_limits<int>::max()) return std::nullopt;
    value = value * 10 + (text[i] - '0');
    ++i;
  }
  if (i == 0) return std::nullopt;
  const std::string unit = text.substr(i);
  if (unit == "ms") return Millis(value);
  if (unit == "s") return Millis(value * 1000);
  if (unit == "m" || unit == "min") return Millis(value * 60 * 1000);
  if (unit == "h") return Millis(value * 3600 * 1000);
  return std::nullopt;
}

std::string duration_error(const std::string& text) {
  const auto d = parse_duration(text);
  if (!d) return fmt::format("'{}' is not a duration (like 500ms, 5s, 10m, 1h)", text);
  if (*d > kMaxDuration) {
    return fmt::format(
        "'{}' is out of range: at most {}ms (about 24 days), PostgreSQL's limit for timeouts", text,
        kMaxDuration.count());
  }
  return "";
}

std::string format_duration(Millis d) {
  const long long ms = d.count();
  if (ms == 0) return "0";
  if (ms % 3600000 == 0) return std::to_string(ms / 3600000) + "h";
  if (ms % 60000 == 0) return std::to_string(ms / 60000) + "m";
  if (ms % 1000 == 0) return std::to_string(ms / 1000) + "s";
  return std::to_string(ms) + "ms";
}

}  // namespace tide
