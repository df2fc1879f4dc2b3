// tide.yaml: the project's settings and its database environments.
// Loading is pure apart from reading the file; variables come from an injected lookup.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "tide/migration/migration_template.hpp"  // VersionFormat
#include "tide/util/duration.hpp"
#include "tide/util/enum_names.hpp"
#include "tide/util/identifier.hpp"  // QualifiedName, parse_table_name (used with the config)

namespace tide {

// How tide signs in to an environment's database (`auth:`). Each closed set's table lists
// its names in the order messages show them.
enum class Auth { kPassword, kIam };
inline constexpr util::EnumName<Auth> kAuthNames[] = {{"iam", Auth::kIam},
                                                      {"password", Auth::kPassword}};
constexpr std::string_view to_string(Auth a) {
  return util::enum_name(kAuthNames, a);
}

// What `up` does with lint findings in pending migrations (`lint:`).
enum class LintMode { kError, kWarn, kOff };
inline constexpr util::EnumName<LintMode> kLintModeNames[] = {
    {"error", LintMode::kError}, {"off", LintMode::kOff}, {"warn", LintMode::kWarn}};
constexpr std::string_view to_string(LintMode m) {
  return util::enum_name(kLintModeNames, m);
}

// One setting as written in tide.yaml, before ${VAR} expansion.
struct Setting {
  std::string key;
  std::string value;
  int line = 0;
};

// One database target (`environments: NAME:`).
struct Environment {
  std::string name;
  std::string url;  // a libpq URI or key=value string; host/port/… below override its parts
  std::string host;
  int port = 0;  // 0: not set
  std::string database;
  std::string user;
  std::string password;
  Auth auth = Auth::kPassword;
  std::string region;
  std::string role_arn;
  std::string aws_profile;
  std::string sslmode;
  std::string sslrootcert;  // made absolute against the config file's directory
  int line = 0;             // where the environment is defined
  // Settings with ${VAR}: expanded (and checked) only when this environment is selected.
  std::vector<Setting> unexpanded;
};

struct Config {
  std::string path;      // the file read, or empty when there is none
  std::string base_dir;  // relative paths in the file are relative to this
  std::string migrations_dir = "migrations";
  std::string table = "tide_migrations";  // may be schema.table
  std::string default_env;
  Millis lock_timeout{5000};
  Millis lock_wait{60000};
  int retries = 5;
  Millis reconnect_timeout{120000};  // how long to keep reconnecting after a lost connection
  bool out_of_order = false;
  int backfill_workers = 1;      // keyed backfills without workers: on their marker
  Millis max_replica_lag{0};     // 0: backfills do not watch the standbys
  Millis max_throttle{600000};   // the longest total pause for replica lag, then stop
  // How `tide new` numbers files, and whether `up` lints pending migrations first.
  VersionFormat version_format = VersionFormat::kAsFiles;
  LintMode lint = LintMode::kOff;
  std::map<std::string, std::string> lint_rules;  // rule name → error | warning | off
  // A connected lint shows findings on tables under both limits as info (docs/lint.md).
  long long lint_small_rows = 10000;
  long long lint_small_bytes = 10LL << 20;
  std::vector<Environment> environments;
};

using EnvLookup = std::function<std::optional<std::string>(const std::string&)>;
EnvLookup process_environment();

// Expands ${VAR} and ${VAR:-default}. `where` names the place for errors ("tide.yaml:7: url");
// errors never quote the text (it may hold a password).
std::string expand_variables(const std::string& text, const EnvLookup& env,
                             const std::string& where);

// Reads and validates a tide.yaml. Errors (exit 2) name the file, line and key. Top-level
// values are expanded; environments' ${VAR} values wait for select_environment.
Config load_config(const std::string& path, const EnvLookup& env);

// Picks the environment: `requested` (-e), else $TIDE_ENV, else default_env, else the only one,
// and expands its ${VAR} settings (an unset variable is an error naming it, exit 2).
// Returns nullptr when the config has no environments and nothing was requested.
const Environment* select_environment(Config& config, const std::string& requested,
                                      const EnvLookup& env);
// The same choice without expanding anything (the environment's name, line, literal values).
const Environment* select_environment(const Config& config, const std::string& requested,
                                      const EnvLookup& env);
// The result points into the config: from a temporary one it would dangle.
const Environment* select_environment(Config&&, const std::string&, const EnvLookup&) = delete;

}  // namespace tide
