// Names, next versions and the file template for `tide new`.
#include "tide/migration/migration_template.hpp"

#include <fmt/format.h>

#include <cctype>
#include <optional>

#include "tide/error.hpp"
#include "tide/util/slug.hpp"

namespace tide {
namespace {

// Adds one to a decimal string of any length.
std::string increment(std::string digits) {
  for (size_t i = digits.size(); i-- > 0;) {
    if (digits[i] != '9') {
      ++digits[i];
      return digits;
    }
    digits[i] = '0';
  }
  return "1" + digits;
}

// YYYYMMDDHHMMSS in UTC.
std::string format_timestamp(std::time_t t) {
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y%m%d%H%M%S", &tm);
  return buf;
}

// The time a 14-digit YYYYMMDDHHMMSS version stands for; nullopt when it is not one.
std::optional<std::time_t> parse_timestamp(const std::string& text) {
  if (text.size() != 14 || text.find_first_not_of("0123456789") != std::string::npos) {
    return std::nullopt;
  }
  std::tm tm{};
  const auto num = [&](size_t pos, size_t len) { return std::stoi(text.substr(pos, len)); };
  tm.tm_year = num(0, 4) - 1900;
  tm.tm_mon = num(4, 2) - 1;
  tm.tm_mday = num(6, 2);
  tm.tm_hour = num(8, 2);
  tm.tm_min = num(10, 2);
  tm.tm_sec = num(12, 2);
  const std::time_t t = timegm(&tm);
  // timegm normalises 09:30:60 to 09:31:00: a real timestamp prints back as itself.
  if (t == -1 || format_timestamp(t) != text) return std::nullopt;
  return t;
}

}  // namespace

std::string migration_slug(const std::string& name) {
  const util::Slug slug = util::slug(name);
  if (slug.invalid_utf8) {
    throw usage_error(
        "the migration name is not valid UTF-8; name it in ASCII, e.g. add_body_text");
  }
  if (!slug.refused.empty()) {
    throw usage_error(fmt::format(
        "migration name '{}' has characters a file name cannot hold ({}): file names are "
        "ASCII letters, digits, '_' and '-' (accented Latin letters are transliterated); "
        "name it in ASCII, e.g. add_body_text",
        name, slug.refused));
  }
  if (slug.text.empty()) {
    throw usage_error(
        fmt::format("migration name '{}' has no letters or digits; use e.g. add_body_text", name));
  }
  return slug.text;
}

Version next_version(const MigrationSet& existing, VersionFormat format, std::time_t now) {
  const Version* newest =
      existing.migrations.empty() ? nullptr : &existing.migrations.back().version;
  const bool sequential =
      format == VersionFormat::kSequential ||
      (format == VersionFormat::kAsFiles && newest && !parse_timestamp(newest->text));
  if (sequential) {
    if (!newest) return Version{"0001"};
    std::string next = increment(newest->text);
    if (next.size() > newest->text.size() && newest->text.front() == '0') next.erase(0, 1);
    return Version{next};
  }
  Version v{format_timestamp(now)};
  if (newest && !(*newest < v)) {
    // The clock is behind the newest file (or in the same second): one second after it.
    const auto t = parse_timestamp(newest->text);
    v = t ? Version{format_timestamp(*t + 1)} : Version{increment(newest->text)};
  }
  return v;
}

std::string migration_template(const TemplateOptions& o) {
  std::string t =
      "-- migrate:expand\n"
      "-- Additive, backward-compatible changes: safe while the old code still runs.\n\n";
  if (o.backfill) {
    t += "-- migrate:backfill table:TABLE batch_size:5000 batch_sleep:10ms\n"
         "-- Runs once per batch, in its own short transaction; $1/$2 = first/last key.\n"
         "-- UPDATE TABLE SET new_column = old_column WHERE id BETWEEN $1 AND $2;\n\n";
  }
  if (o.contract) {
    t += "-- migrate:contract\n"
         "-- Destructive changes: run by `tide contract` once every reader and writer uses the\n"
         "-- new shape.\n\n";
  }
  t += "-- migrate:down\n"
       "-- Reverts the expand section (only while not contracted).\n";
  return t;
}

}  // namespace tide
