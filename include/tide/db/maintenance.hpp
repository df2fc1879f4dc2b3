// Record-only operations: baseline and repair. Each runs in one transaction and returns
// one line per change it made.
#pragma once

#include <string>
#include <vector>

#include "tide/db/target.hpp"
#include "tide/migration/migration.hpp"

namespace tide {

std::vector<std::string> baseline(Target& target, const MigrationSet& files, const Version& upto);
std::vector<std::string> repair(Target& target, const MigrationSet& files);

}  // namespace tide
