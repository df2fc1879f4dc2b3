// New migration files: names, versions and the template `tide new` writes. Pure.
#pragma once

#include <ctime>
#include <string>

#include "tide/migration/migration.hpp"
#include "tide/util/enum_names.hpp"

namespace tide {

struct TemplateOptions {
  bool contract = false;
  bool backfill = false;
};

// "Add body text" -> "add_body_text": lower-case ASCII letters and digits, anything else a
// separator; accented Latin letters are transliterated ("Größe" -> "grosse"). Throws exit 2,
// naming them, for characters that have no ASCII spelling (no letter is dropped silently), and
// when nothing usable is left.
std::string migration_slug(const std::string& name);
// How `tide new` numbers a file (tide.yaml's `version_format:`); kAsFiles when it is not set.
enum class VersionFormat { kAsFiles, kTimestamp, kSequential };
inline constexpr util::EnumName<VersionFormat> kVersionFormatNames[] = {
    {"sequential", VersionFormat::kSequential}, {"timestamp", VersionFormat::kTimestamp}};
constexpr std::string_view to_string(VersionFormat f) {
  return util::enum_name(kVersionFormatNames, f);
}

// timestamp: UTC YYYYMMDDHHMMSS, or one second after the newest version when the clock is
// not past it; sequential: newest + 1, zero-padded to the existing width (at least 4 digits).
// kAsFiles follows the files: sequential when the newest version is not a timestamp.
Version next_version(const MigrationSet& existing, VersionFormat format, std::time_t now);
std::string migration_template(const TemplateOptions& options);

}  // namespace tide
