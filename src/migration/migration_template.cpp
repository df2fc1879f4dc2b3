// Names, next versions and the file template for `tide new`.
#include "tide/migration/migration_template.hpp"

#include <fmt/format.h>

#include <cctype>
#include <optional>

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

// One UTF-8 code point at text[i], advancing i; nullopt for a malformed sequence.
std::optional<char32_t> decode_utf8(const std::string& text, size_t& i) {
  const unsigned char lead = static_cast<unsigned char>(text[i]);
  const int len = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 0;
  if (len == 0 || lead >= 0xF8 || i + len > text.size()) return std::nullopt;
  char32_t cp = lead & (0x7F >> len);
  for (int k = 1; k < len; ++k) {
    const unsigned char c = static_cast<unsigned char>(text[i + k]);
    if ((c & 0xC0) != 0x80) return std::nullopt;
    cp = (cp << 6) | (c & 0x3F);
  }
  i += len;
  return cp;
}

// ASCII for the Latin letters of Latin-1 and Latin Extended-A (as unidecode spells them);
// nullptr for anything else.
const char* transliterate(char32_t cp) {
  // clang-format off
  // U+00C0..U+00FF
  static const char* const kLatin1[64] = {
      "a", "a", "a", "a", "a", "a", "ae", "c", "e", "e", "e", "e", "i", "i", "i", "i",
      "d", "n", "o", "o", "o", "o", "o", nullptr, "o", "u", "u", "u", "u", "y", "th", "ss",
      "a", "a", "a", "a", "a", "a", "ae", "c", "e", "e", "e", "e", "i", "i", "i", "i",
      "d", "n", "o", "o", "o", "o", "o", nullptr, "o", "u", "u", "u", "u", "y", "th", "y"};
  // U+0100..U+017F
  static const char* const kLatinExtendedA[128] = {
      "a", "a", "a", "a", "a", "a", "c", "c", "c", "c", "c", "c", "c", "c", "d", "d",
      "d", "d", "e", "e", "e", "e", "e", "e", "e", "e", "e", "e", "g", "g", "g", "g",
      "g", "g", "g", "g", "h", "h", "h", "h", "i", "i", "i", "i", "i", "i", "i", "i",
      "i", "i", "ij", "ij", "j", "j", "k", "k", "q", "l", "l", "l", "l", "l", "l", "l",
      "l", "l", "l", "n", "n", "n", "n", "n", "n", "n", "ng", "ng", "o", "o", "o", "o",
      "o", "o", "oe", "oe", "r", "r", "r", "r", "r", "r", "s", "s", "s", "s", "s", "s",
      "s", "s", "t", "t", "t", "t", "t", "t", "u", "u", "u", "u", "u", "u", "u", "u",
      "u", "u", "u", "u", "w", "w", "y", "y", "y", "z", "z", "z", "z", "z", "z", "s"};
  // clang-format on
  if (cp >= 0xC0 && cp <= 0xFF) return kLatin1[cp - 0xC0];
  if (cp >= 0x100 && cp <= 0x17F) return kLatinExtendedA[cp - 0x100];
  return nullptr;
}

}  // namespace

std::string migration_slug(const std::string& name) {
  std::string slug;
  std::string refused;  // characters a file name cannot hold, as the user wrote them
  for (size_t i = 0; i < name.size();) {
    const unsigned char u = static_cast<unsigned char>(name[i]);
    std::string ascii;
    if (u < 0x80) {
      ascii = std::isalnum(u) ? std::string(1, static_cast<char>(std::tolower(u)))
                              : (u == '-' ? "-" : " ");
      ++i;
    } else {
      const size_t start = i;
      const auto cp = decode_utf8(name, i);
      if (!cp) {
        throw usage_error(
            "the migration name is not valid UTF-8; name it in ASCII, e.g. add_body_text");
      }
      const char* t = transliterate(*cp);
      if (t) {
        ascii = t;
      } else if (refused.find(name.substr(start, i - start)) == std::string::npos) {
        refused += (refused.empty() ? "'" : ", '") + name.substr(start, i - start) + "'";
      }
    }
    for (char c : ascii) {
      if (c == ' ' || c == '-') {
        if (!slug.empty() && slug.back() != '_' && slug.back() != '-') slug += c == '-' ? '-' : '_';
      } else {
        slug += c;
      }
    }
  }
  if (!refused.empty()) {
    throw usage_error(fmt::format(
        "migration name '{}' has characters a file name cannot hold ({}): file names are "
        "ASCII letters, digits, '_' and '-' (accented Latin letters are transliterated); "
        "name it in ASCII, e.g. add_body_text",
        name, refused));
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
  const bool sequential =
      format == "sequential" || (format.empty() && newest && !parse_timestamp(newest->text));
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
