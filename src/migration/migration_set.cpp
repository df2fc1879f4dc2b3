// Reading a migrations directory: discovery, naming rules, duplicate versions, ordering.
#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "tide/error.hpp"
#include "tide/migration/migration.hpp"

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
  MigrationSet set;
  std::vector<std::string> paths;
  for (auto it = fs::directory_iterator(dir, ec); !ec && it != fs::directory_iterator();
       it.increment(ec)) {
    const fs::path& p = it->path();
    std::string ext = p.extension().string();
    std::transform(ext.begin(), ext.end(), ext.begin(),
                   [](unsigned char c) { return std::tolower(c); });
    if (ext != ".sql") continue;
    std::error_code type_ec;
    if (it->is_directory(type_ec)) continue;
    if (p.extension() != ".sql") {
      set.problems.push_back(Problem{p.string(), 0,
                                     "file name must end in lowercase .sql (<version>_<slug>.sql); "
                                     "tide does not skip a migration silently"});
    } else {
      paths.push_back(p.string());
    }
  }
  if (ec) throw usage_error(fmt::format("cannot read directory '{}': {}", dir, ec.message()));
  std::sort(paths.begin(), paths.end());

  for (const auto& path : paths) {
    std::error_code read_ec;
    (void)fs::status(path, read_ec);  // a dangling link or a symlink loop
    std::ifstream in(path, std::ios::binary);
    if (read_ec || !in) {
      set.problems.push_back(
          Problem{path, 0,
                  fmt::format("cannot read file: {}",
                              read_ec ? read_ec.message()
                                      : std::string("permission denied or not a file"))});
      continue;
    }
    std::ostringstream content;
    content << in.rdbuf();
    if (in.bad()) {
      set.problems.push_back(Problem{path, 0, "cannot read file"});
      continue;
    }
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

std::optional<Problem> check_not_empty(const MigrationSet& set, const std::string& dir) {
  if (!set.migrations.empty() || !set.problems.empty()) return std::nullopt;
  return Problem{dir, 0,
                 "no migration files (<version>_<slug>.sql) here: is this the right directory "
                 "(--dir, migrations: in tide.yaml)? `tide new NAME` writes the first one"};
}

}  // namespace tide
