// Reading a migrations directory: discovery, naming rules, duplicate versions, ordering.
#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "tide/error.hpp"
#include "tide/migration.hpp"

namespace fs = std::filesystem;

namespace tide {

const Migration* MigrationSet::find(const Version& v) const {
  auto it = std::lower_bound(migrations.begin(), migrations.end(), v,
                             [](const Migration& m, const Version& x) { return m.version < x; });
  return it != migrations.end() && it->version == v ? &*it : nullptr;
}

MigrationSet load_migrations(const std::string& dir) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) {
    throw usage_error(
        fmt::format("migrations directory '{}' does not exist (set migrations: in "
                    "tide.yaml or pass --dir)",
                    dir));
  }
  std::vector<std::string> paths;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    if (entry.path().extension() == ".sql" && !entry.is_directory()) {
      paths.push_back(entry.path().string());
    }
  }
  if (ec) throw usage_error(fmt::format("cannot read directory '{}': {}", dir, ec.message()));
  std::sort(paths.begin(), paths.end());

  MigrationSet set;
  for (const auto& path : paths) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
      set.problems.push_back(Problem{path, 0, "cannot read file"});
      continue;
    }
    std::ostringstream content;
    content << in.rdbuf();
    size_t before = set.problems.size();
    Migration m = parse_migration(path, content.str(), set.problems);
    const bool named = !m.version.text.empty();
    if (named || set.problems.size() == before) set.migrations.push_back(std::move(m));
  }
  std::stable_sort(set.migrations.begin(), set.migrations.end(),
                   [](const Migration& a, const Migration& b) { return a.version < b.version; });
  for (size_t i = 1; i < set.migrations.size(); ++i) {
    const Migration& a = set.migrations[i - 1];
    const Migration& b = set.migrations[i];
    if (a.version == b.version) {
      set.problems.push_back(Problem{
          b.path, 0, fmt::format("duplicate version {}: also used by {}", b.version.text, a.path)});
    }
  }
  return set;
}

}  // namespace tide
