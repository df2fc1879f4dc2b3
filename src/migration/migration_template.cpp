// Names, next versions and the file template for `tide new`.
#include "tide/migration_template.hpp"

#include <fmt/format.h>

#include <cctype>

#include "tide/error.hpp"

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

}  // namespace

std::string migration_slug(const std::string& name) {
  std::string slug;
  for (char c : name) {
    const unsigned char u = static_cast<unsigned char>(c);
    if (std::isalnum(u)) {
      slug += static_cast<char>(std::tolower(u));
    } else if ((c == '_' || c == '-' || c == ' ') && !slug.empty() && slug.back() != '_') {
      slug += c == '-' ? '-' : '_';
    }
  }
  while (!slug.empty() && (slug.back() == '_' || slug.back() == '-')) slug.pop_back();
  if (slug.empty()) {
    throw usage_error(
        fmt::format("migration name '{}' has no letters or digits; use e.g. add_body_text", name));
  }
  return slug;
}

Version next_version(const MigrationSet& existing, const std::string& format, std::time_t now) {
  const Version* newest =
      existing.migrations.empty() ? nullptr : &existing.migrations.back().version;
  if (format == "sequential") {
    if (!newest) return Version{"0001"};
    std::string next = increment(newest->text);
    if (next.size() > newest->text.size() && newest->text.front() == '0') next.erase(0, 1);
    return Version{next};
  }
  std::tm tm{};
  gmtime_r(&now, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y%m%d%H%M%S", &tm);
  Version v{buf};
  if (newest && !(*newest < v)) v = Version{increment(newest->text)};
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
