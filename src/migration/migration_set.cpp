// Reading a migrations directory: discovery, naming rules, duplicate versions, ordering.
#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <exception>
#include <filesystem>
#include <map>
#include <system_error>
#include <thread>

#include "tide/error.hpp"
#include "tide/migration/migration.hpp"
#include "tide/util/file.hpp"

namespace fs = std::filesystem;

namespace tide {
namespace {

// What reading and parsing one file gave: its migration (when usable) and its problems.
struct FileResult {
  std::optional<Migration> migration;
  std::vector<Problem> problems;
  std::exception_ptr error;  // thrown while parsing: rethrown on the calling thread
};

FileResult load_file(const std::string& path) {
  FileResult r;
  util::FileText file = util::read_file(path);
  if (!file) {
    std::error_code ec;
    (void)fs::status(path, ec);  // a dangling link or a symlink loop says why
    r.problems.push_back(
        Problem{path, 0, fmt::format("cannot read file: {}", ec ? ec.message() : file.error)});
    return r;
  }
  Migration m = parse_migration(path, *file.content, r.problems);
  if (!m.version.text.empty() || r.problems.empty()) {
    m.source = std::move(*file.content);
    r.migration = std::move(m);
  }
  return r;
}

// Files are independent and parsing them dominates, so they are read on every core (libpg_query
// is thread-safe); results keep the sorted order of `paths`, so output does not depend on it.
std::vector<FileResult> load_files(const std::vector<std::string>& paths) {
  std::vector<FileResult> results(paths.size());
  std::atomic<size_t> next{0};
  auto work = [&] {
    for (size_t i; (i = next++) < paths.size();) {
      try {
        results[i] = load_file(paths[i]);
      } catch (...) {
        results[i].error = std::current_exception();
      }
    }
  };
  const size_t cores = std::max(1u, std::min(8u, std::thread::hardware_concurrency()));
  const size_t threads_wanted = std::min(cores, paths.size() / 64 + 1);  // small sets: one
  std::vector<std::thread> threads;
  try {
    for (size_t t = 1; t < threads_wanted; ++t) threads.emplace_back(work);
  } catch (const std::system_error&) {
    // No more threads to be had: the ones started and this one do the work.
  }
  work();
  for (auto& t : threads) t.join();
  for (const FileResult& r : results) {
    if (r.error) std::rethrow_exception(r.error);
  }
  return results;
}

}  // namespace

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

  for (FileResult& r : load_files(paths)) {
    for (Problem& p : r.problems) set.problems.push_back(std::move(p));
    if (r.migration) set.migrations.push_back(std::move(*r.migration));
  }
  auto by_version = [](const Migration& a, const Migration& b) { return a.version < b.version; };
  // Names sort by version already unless versions differ in width ("1_a" after "0002_b"):
  // moving thousands of migrations around to find that out costs more than the check.
  if (!std::is_sorted(set.migrations.begin(), set.migrations.end(), by_version)) {
    std::stable_sort(set.migrations.begin(), set.migrations.end(), by_version);
  }
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
