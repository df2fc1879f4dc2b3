// Finding another tool's project on disk: its directories and its table, from the tool's own
// settings. Reads files; no database.
#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <filesystem>
#include <sstream>

#include "convert.hpp"
#include "tide/error.hpp"
#include "tide/util/file.hpp"
#include "tide/util/text.hpp"

namespace fs = std::filesystem;

namespace tide::adopt {
namespace {

std::vector<std::string> split_list(const std::string& list) {
  std::vector<std::string> out;
  std::string item;
  std::istringstream in(list);
  while (std::getline(in, item, ',')) {
    item = util::trim(item, " \t");
    if (item.empty()) continue;
    if (item.rfind("filesystem:", 0) == 0) item = item.substr(11);
    out.push_back(item);
  }
  return out;
}

// A settings file's text; "" when there is none.
std::string read_text(const std::string& path) {
  util::FileText text = util::read_file(path);
  if (text.missing) return "";
  if (!text) throw usage_error(fmt::format("{}: cannot read it: {}", path, text.error));
  return std::move(*text.content);
}

// The first existing directory of `candidates` that is not tide's own (`avoid`), else the
// first candidate (an error later).
std::string first_existing(const std::vector<std::string>& candidates, const std::string& avoid) {
  std::error_code ec;
  for (const auto& c : candidates) {
    if (!fs::is_directory(c, ec)) continue;
    if (fs::exists(avoid, ec) && fs::equivalent(c, avoid, ec)) continue;
    return c;
  }
  return candidates.front();
}

// flyway.conf (Java properties): `flyway.locations=filesystem:sql`, `flyway.table=…`.
std::string flyway_setting(const std::string& key) {
  for (const char* path : {"flyway.conf", "conf/flyway.conf"}) {
    std::istringstream in(read_text(path));
    for (std::string line; std::getline(in, line);) {
      util::drop_trailing_cr(line);
      if (line.rfind(key + "=", 0) == 0) return line.substr(key.size() + 1);
    }
  }
  return "";
}

// sql-migrate's dbconfig.yml: the `development` environment (its default), or the only one.
YAML::Node sql_migrate_env() {
  std::error_code ec;
  if (!fs::is_regular_file("dbconfig.yml", ec)) return YAML::Node();
  YAML::Node root;
  try {
    root = YAML::LoadFile("dbconfig.yml");
  } catch (const YAML::Exception& e) {
    throw usage_error(fmt::format("dbconfig.yml:{}: {}", e.mark.line + 1, e.msg));
  }
  if (!root.IsMap()) return YAML::Node();
  if (root["development"]) return root["development"];
  return root.size() == 1 ? root.begin()->second : YAML::Node();
}

std::string scalar(const YAML::Node& env, const char* key) {
  return env && env.IsMap() && env[key] && env[key].IsScalar() ? env[key].as<std::string>() : "";
}

}  // namespace

Project locate_project(Tool tool, const std::string& from_dir, const std::string& from_table,
                       const EnvLookup& vars, const std::string& tide_dir) {
  Project p;
  std::string dirs = from_dir, table = from_table;
  auto var = [&](const char* name) { return vars(name).value_or(""); };
  switch (tool) {
    case Tool::kDbmate:
      if (dirs.empty()) dirs = var("DBMATE_MIGRATIONS_DIR");
      if (dirs.empty()) dirs = "db/migrations";
      if (table.empty()) table = var("DBMATE_MIGRATIONS_TABLE");
      break;
    case Tool::kSqlMigrate: {
      const YAML::Node env = sql_migrate_env();
      if (dirs.empty()) dirs = scalar(env, "dir");
      if (dirs.empty()) dirs = "migrations";
      if (table.empty() && !scalar(env, "table").empty()) {
        table = scalar(env, "table");
        if (!scalar(env, "schema").empty()) table = scalar(env, "schema") + "." + table;
      }
      break;
    }
    case Tool::kGolangMigrate:
      if (dirs.empty()) dirs = first_existing({"migrations", "db/migrations"}, tide_dir);
      break;
    case Tool::kGoose:
      if (dirs.empty()) dirs = var("GOOSE_MIGRATION_DIR");
      if (dirs.empty()) dirs = first_existing({"migrations", "db/migrations", "."}, tide_dir);
      if (table.empty()) table = var("GOOSE_TABLE");
      break;
    case Tool::kFlyway:
      if (dirs.empty()) dirs = var("FLYWAY_LOCATIONS");
      if (dirs.empty()) dirs = flyway_setting("flyway.locations");
      if (dirs.empty()) {
        dirs = first_existing(
            {"sql", "src/main/resources/db/migration", "db/migration", "migrations"}, tide_dir);
      }
      if (table.empty()) table = var("FLYWAY_TABLE");
      if (table.empty()) table = flyway_setting("flyway.table");
      if (table.find('.') == std::string::npos) {
        std::string schema = var("FLYWAY_DEFAULT_SCHEMA");
        if (schema.empty()) schema = flyway_setting("flyway.defaultSchema");
        if (schema.empty())
          schema = split_list(flyway_setting("flyway.schemas")).empty()
                       ? ""
                       : split_list(flyway_setting("flyway.schemas")).front();
        if (!schema.empty()) table = schema + "." + (table.empty() ? default_table(tool) : table);
      }
      break;
  }
  p.dirs = split_list(dirs);
  p.table = parse_table_name(table.empty() ? default_table(tool) : table);
  return p;
}

std::vector<SourceFile> read_sources(Tool tool, const std::vector<std::string>& dirs) {
  std::vector<SourceFile> files;
  for (const std::string& dir : dirs) {
    std::error_code ec;
    if (!fs::is_directory(dir, ec)) {
      throw usage_error(fmt::format(
          "{}'s migrations directory '{}' does not exist: run tide adopt in the project's "
          "directory, or pass --from-dir",
          tool_name(tool), dir));
    }
    std::vector<fs::path> paths;
    for (const auto& entry : fs::directory_iterator(dir, ec)) {
      if (entry.is_regular_file(ec)) paths.push_back(entry.path());
    }
    if (ec) throw usage_error(fmt::format("cannot read directory '{}': {}", dir, ec.message()));
    std::sort(paths.begin(), paths.end());
    for (const auto& path : paths) {
      const std::string name = path.filename().string();
      auto ends_with = [&](const std::string& suffix) {
        return name.size() > suffix.size() &&
               name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0;
      };
      const bool wanted = ends_with(".sql") || ends_with(".go") || ends_with(".sql.conf");
      if (!wanted) continue;
      files.push_back(SourceFile{path.lexically_normal().string(), name, read_text(path.string())});
    }
  }
  return files;
}

}  // namespace tide::adopt
