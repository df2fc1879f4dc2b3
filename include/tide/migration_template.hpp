// New migration files: names, versions and the template `tide new` writes. Pure.
#pragma once

#include <ctime>
#include <string>

#include "tide/migration.hpp"

namespace tide {

struct TemplateOptions {
  bool contract = false;
  bool backfill = false;
};

// "Add body text" -> "add_body_text"; throws exit 2 when nothing usable is left.
std::string migration_slug(const std::string& name);
// timestamp: UTC YYYYMMDDHHMMSS (bumped past the newest existing version);
// sequential: newest + 1, zero-padded to the existing width (at least 4 digits).
Version next_version(const MigrationSet& existing, const std::string& format, std::time_t now);
std::string migration_template(const TemplateOptions& options);

}  // namespace tide
