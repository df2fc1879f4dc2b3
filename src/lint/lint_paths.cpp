// `tide lint [FILES…]`: which migrations to read for context and which to report on.
#include <fmt/format.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "tide/error.hpp"
#include "tide/lint/lint.hpp"

namespace fs = std::filesystem;

namespace tide::lint {
namespace {

std::string canonical(const std::string& path) {
  std::error_code ec;
  fs::path p = fs::weakly_canonical(path, ec);
  return ec ? path : p.string();
}

}  // namespace

Report lint_paths(const std::string& dir, const std::vector<std::string>& files,
                  const Options& options) {
  if (files.empty()) return lint(load_migrations(dir), options);
  std::error_code ec;
  MigrationSet set;
  if (fs::is_directory(dir, ec)) set = load_migrations(dir);
  std::map<std::string, std::string> by_canonical;  // canonical path → path as loaded
  for (const Migration& m : set.migrations) by_canonical[canonical(m.path)] = m.path;
  for (const Problem& p : set.problems) by_canonical.emplace(canonical(p.file), p.file);

  Options opts = options;
  opts.only.clear();
  for (const std::string& file : files) {
    if (!fs::is_regular_file(file, ec)) {
      throw usage_error(fmt::format("{}: no such migration file", file));
    }
    auto it = by_canonical.find(canonical(file));
    if (it != by_canonical.end()) {
      opts.only.insert(it->second);
      continue;
    }
    // Outside the directory: linted in version order among the directory's migrations.
    std::ifstream in(file, std::ios::binary);
    std::ostringstream content;
    content << in.rdbuf();
    Migration m = parse_migration(file, content.str(), set.problems);
    set.migrations.push_back(std::move(m));
    opts.only.insert(file);
  }
  return lint(set, opts);
}

}  // namespace tide::lint
