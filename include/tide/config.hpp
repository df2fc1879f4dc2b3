// tide.yaml: the project's settings and its database environments.
// Loading is pure apart from reading the file; variables come from an injected lookup.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "tide/duration.hpp"

namespace tide {

// One database target (`environments: NAME:`).
struct Environment {
  std::string name;
  std::string url;  // a libpq URI or key=value string; host/port/… below override its parts
  std::string host;
  int port = 0;  // 0: not set
  std::string database;
  std::string user;
  std::string password;
  std::string auth = "password";  // password | iam
  std::string region;
  std::string role_arn;
  std::string aws_profile;
  std::string sslmode;
  std::string sslrootcert;  // made absolute against the config file's directory
  int line = 0;             // where the environment is defined
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
  std::string version_format;                     // timestamp | sequential | empty: as the files
  std::string lint = "off";                       // error | warn | off: lint before `up`
  std::map<std::string, std::string> lint_rules;  // rule name → error | warning | off
  std::vector<Environment> environments;
};

using EnvLookup = std::function<std::optional<std::string>(const std::string&)>;
EnvLookup process_environment();

// Expands ${VAR} and ${VAR:-default}. `where` names the place for errors ("tide.yaml:7").
std::string expand_variables(const std::string& text, const EnvLookup& env,
                             const std::string& where);

// Reads and validates a tide.yaml. Errors (exit 2) name the file, line and key.
Config load_config(const std::string& path, const EnvLookup& env);

// Picks the environment: `requested` (-e), else $TIDE_ENV, else default_env, else the only one.
// Returns nullptr when the config has no environments and nothing was requested.
const Environment* select_environment(const Config& config, const std::string& requested,
                                      const EnvLookup& env);

// A schema-qualified table name split in two; schema defaults to "public".
struct QualifiedName {
  std::string schema;
  std::string table;
  std::string quoted() const;  // "schema"."table"
};
QualifiedName parse_table_name(const std::string& name);

}  // namespace tide
