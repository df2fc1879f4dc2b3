// Loading tide.yaml with yaml-cpp: every key checked, every error with its line.
#include "tide/config/config.hpp"

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "tide/config/redact.hpp"
#include "tide/error.hpp"
#include "tide/lint/lint.hpp"
#include "tide/migration/sql_split.hpp"

namespace fs = std::filesystem;

namespace tide {
namespace {

class Reader {
 public:
  Reader(std::string path, const EnvLookup& env) : path_(std::move(path)), env_(env) {}

  std::string where(int line) const { return fmt::format("{}:{}", path_, line); }
  std::string where(const YAML::Node& n) const { return where(line_of(n)); }
  static int line_of(const YAML::Node& n) { return n.Mark().line + 1; }
  Error error(int line, const std::string& message) const {
    return usage_error(fmt::format("{}: {}", where(line), message));
  }
  Error error(const YAML::Node& n, const std::string& message) const {
    return error(line_of(n), message);
  }

  // A mapping key: a plain name, never a list or a mapping; each key at most once.
  std::string key_of(const YAML::Node& k, std::set<std::string>& seen,
                     const std::string& where_in) const {
    if (!k.IsScalar()) {
      throw error(k, fmt::format("keys{} must be plain names, not a list or a mapping", where_in));
    }
    if (!seen.insert(k.Scalar()).second) {
      throw error(
          k, fmt::format("duplicate key '{}'{}: each key may appear once", k.Scalar(), where_in));
    }
    return k.Scalar();
  }

  std::string raw_scalar(const YAML::Node& n, const std::string& key) const {
    if (!n.IsScalar()) throw error(n, fmt::format("{} must be a single value", key));
    return n.Scalar();
  }
  std::string scalar(const YAML::Node& n, const std::string& key) const {
    return expand_variables(raw_scalar(n, key), env_, fmt::format("{}: {}", where(n), key));
  }
  int integer(const std::string& s, int line, const std::string& key, int min, int max) const {
    try {
      size_t used = 0;
      const long v = std::stol(s, &used);
      if (used == s.size() && v >= min && v <= max) return static_cast<int>(v);
    } catch (const std::exception&) {
    }
    throw error(line, fmt::format("{}: '{}' must be a whole number from {} to {}", key,
                                  shown(key, s), min, max));
  }
  int integer(const YAML::Node& n, const std::string& key, int min, int max) const {
    return integer(scalar(n, key), line_of(n), key, min, max);
  }
  // 10MB, 512kB, 1GB or a number of bytes.
  long long bytes(const YAML::Node& n, const std::string& key) const {
    const std::string s = scalar(n, key);
    static const std::pair<const char*, long long> units[] = {
        {"GB", 1LL << 30}, {"MB", 1LL << 20}, {"kB", 1LL << 10}, {"B", 1}, {"", 1}};
    for (const auto& [unit, factor] : units) {
      const size_t len = std::char_traits<char>::length(unit);
      if (s.size() <= len || s.compare(s.size() - len, len, unit) != 0) continue;
      const std::string digits = s.substr(0, s.size() - len);
      if (digits.find_first_not_of("0123456789") == std::string::npos && digits.size() < 12)
        return std::stoll(digits) * factor;
    }
    throw error(n, fmt::format("{}: '{}' must be a size like 10MB, 512kB or 1GB", key, s));
  }
  Millis duration(const YAML::Node& n, const std::string& key) const {
    const std::string s = scalar(n, key);
    if (const std::string e = duration_error(s); !e.empty()) {
      throw error(n, fmt::format("{}: {}", key, e));
    }
    return *parse_duration(s);
  }
  bool boolean(const YAML::Node& n, const std::string& key) const {
    const std::string s = scalar(n, key);
    if (s == "true") return true;
    if (s == "false") return false;
    throw error(n, fmt::format("{}: '{}' must be true or false", key, s));
  }
  std::string choice(const std::string& s, int line, const std::string& key,
                     const std::set<std::string>& allowed) const {
    if (allowed.count(s)) return s;
    std::string list;
    for (const auto& a : allowed) list += (list.empty() ? "" : ", ") + a;
    throw error(line, fmt::format("{}: '{}' must be one of {}", key, shown(key, s), list));
  }
  std::string choice(const YAML::Node& n, const std::string& key,
                     const std::set<std::string>& allowed) const {
    return choice(scalar(n, key), line_of(n), key, allowed);
  }
  static std::string path(const std::string& s, const std::string& base) {
    if (s.empty() || fs::path(s).is_absolute()) return s;
    const std::string joined = (fs::path(base) / s).lexically_normal().string();
    return joined.empty() ? "." : joined;
  }
  std::string path(const YAML::Node& n, const std::string& key, const std::string& base) const {
    return path(scalar(n, key), base);
  }
  std::string table(const YAML::Node& n) const {
    const std::string s = scalar(n, "table");
    try {
      parse_table_name(s);
    } catch (const Error& e) {
      throw error(n, fmt::format("table: {}", e.what()));
    }
    return s;
  }

  // An environment's setting as it may appear in a message (see tide/config/redact.hpp).
  static std::string shown(const std::string& key, const std::string& value) {
    if (key == "password") return "***";
    return key == "url" ? redact_connection_string(value) : value;
  }

  // Stores one setting of an environment, its variables already expanded.
  void set(Environment& e, const std::string& key, const std::string& v, int line,
           const std::string& base) const {
    if (key == "url")
      e.url = v;
    else if (key == "host")
      e.host = v;
    else if (key == "port")
      e.port = integer(v, line, key, 1, 65535);
    else if (key == "database" || key == "dbname")
      e.database = v;
    else if (key == "user")
      e.user = v;
    else if (key == "password")
      e.password = v;
    else if (key == "auth")
      e.auth = choice(v, line, key, {"password", "iam"});
    else if (key == "region")
      e.region = v;
    else if (key == "role_arn")
      e.role_arn = v;
    else if (key == "aws_profile")
      e.aws_profile = v;
    else if (key == "sslmode")
      e.sslmode = choice(v, line, key,
                         {"disable", "allow", "prefer", "require", "verify-ca", "verify-full"});
    else if (key == "sslrootcert")
      e.sslrootcert = path(v, base);
  }

  // Reads an environment. Values with ${VAR} stay unexpanded until the environment is
  // selected (resolve()): another machine's variables are not this one's business.
  Environment environment(const std::string& name, const YAML::Node& n,
                          const std::string& base) const {
    if (!n.IsMap()) throw error(n, fmt::format("environment '{}' must be a mapping", name));
    static const std::set<std::string> kKnown = {
        "url",  "host",   "port",     "database",    "dbname",  "user",       "password",
        "auth", "region", "role_arn", "aws_profile", "sslmode", "sslrootcert"};
    Environment e;
    e.name = name;
    e.line = line_of(n);
    std::set<std::string> seen;
    const std::string in_env = fmt::format(" in environment '{}'", name);
    for (const auto& kv : n) {
      const std::string key = key_of(kv.first, seen, in_env);
      if (!kKnown.count(key)) {
        throw error(kv.first, fmt::format("unknown key '{}' in environment '{}' (known: url, host, "
                                          "port, database, user, password, auth, region, role_arn, "
                                          "aws_profile, sslmode, sslrootcert)",
                                          key, name));
      }
      if ((key == "database" && seen.count("dbname")) ||
          (key == "dbname" && seen.count("database")))
        throw error(kv.first, fmt::format("database and dbname are the same setting{}", in_env));
      const std::string raw = raw_scalar(kv.second, key);
      if (raw.find("${") != std::string::npos) {
        e.unexpanded.push_back(Setting{key, raw, line_of(kv.second)});
      } else {
        set(e, key, raw, line_of(kv.second), base);
      }
    }
    return e;
  }

  void resolve(Environment& e, const std::string& base) const {
    for (const Setting& s : e.unexpanded) {
      set(e, s.key, expand_variables(s.value, env_, fmt::format("{}: {}", where(s.line), s.key)),
          s.line, base);
    }
    e.unexpanded.clear();
  }

 private:
  std::string path_;
  const EnvLookup& env_;
};

}  // namespace

Config load_config(const std::string& path, const EnvLookup& env) {
  std::error_code ec;
  if (fs::is_directory(path, ec)) {
    throw usage_error(
        fmt::format("config file '{}' is a directory: give the path of a tide.yaml file", path));
  }
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  if (!in || !(text << in.rdbuf()) || in.bad()) {
    throw usage_error(fmt::format("cannot read config file '{}'", path));
  }
  YAML::Node root;
  try {
    root = YAML::Load(text.str());
  } catch (const YAML::Exception& e) {
    throw usage_error(fmt::format("{}:{}: invalid YAML: {}", path, e.mark.line + 1, e.msg));
  }
  Config c;
  c.path = path;
  // Relative to the config file; kept relative when the file was named relatively, so paths
  // in messages read as the user wrote them ("migrations/0001_x.sql").
  const fs::path parent = fs::path(path).parent_path();
  c.base_dir = parent.empty() ? "." : parent.lexically_normal().string();
  if (root.IsNull()) return c;
  Reader r(path, env);
  if (!root.IsMap()) throw r.error(root, "the config must be a mapping of keys");
  std::set<std::string> seen;
  for (const auto& kv : root) {
    const std::string key = r.key_of(kv.first, seen, "");
    const YAML::Node& v = kv.second;
    if (key == "migrations")
      c.migrations_dir = r.path(v, key, c.base_dir);
    else if (key == "table")
      c.table = r.table(v);
    else if (key == "default_env")
      c.default_env = r.scalar(v, key);
    else if (key == "lock_timeout")
      c.lock_timeout = r.duration(v, key);
    else if (key == "lock_wait")
      c.lock_wait = r.duration(v, key);
    else if (key == "retries")
      c.retries = r.integer(v, key, 0, 100);
    else if (key == "reconnect_timeout")
      c.reconnect_timeout = r.duration(v, key);
    else if (key == "out_of_order")
      c.out_of_order = r.boolean(v, key);
    else if (key == "version_format")
      c.version_format = r.choice(v, key, {"timestamp", "sequential"});
    else if (key == "lint")
      c.lint = r.choice(v, key, {"error", "warn", "off"});
    else if (key == "lint_small_rows")
      c.lint_small_rows = r.integer(v, key, 0, 2000000000);
    else if (key == "lint_small_size")
      c.lint_small_bytes = r.bytes(v, key);
    else if (key == "lint_rules") {
      if (!v.IsMap()) throw r.error(v, "lint_rules must map rule names to error, warning or off");
      std::set<std::string> seen_rules;
      for (const auto& rule : v) {
        const std::string name = r.key_of(rule.first, seen_rules, " in lint_rules");
        if (!lint::find_rule(name)) {
          throw r.error(rule.first, fmt::format("lint_rules: unknown rule '{}' (docs/lint.md lists "
                                                "the rules)",
                                                name));
        }
        c.lint_rules[name] =
            r.choice(rule.second, "lint_rules." + name, {"error", "warning", "off"});
      }
    } else if (key == "environments") {
      if (!v.IsMap()) throw r.error(v, "environments must be a mapping of names to settings");
      std::set<std::string> seen_envs;
      for (const auto& env_kv : v) {
        c.environments.push_back(r.environment(
            r.key_of(env_kv.first, seen_envs, " in environments"), env_kv.second, c.base_dir));
      }
    } else {
      throw r.error(kv.first,
                    fmt::format("unknown key '{}' (known: migrations, table, default_env, "
                                "lock_timeout, lock_wait, retries, reconnect_timeout, "
                                "out_of_order, version_format, lint, lint_rules, "
                                "lint_small_rows, lint_small_size, environments)",
                                key));
    }
  }
  if (!c.default_env.empty() &&
      !std::any_of(c.environments.begin(), c.environments.end(),
                   [&](const Environment& e) { return e.name == c.default_env; })) {
    throw usage_error(
        fmt::format("{}: default_env '{}' is not one of the environments", path, c.default_env));
  }
  return c;
}

const Environment* select_environment(Config& config, const std::string& requested,
                                      const EnvLookup& env) {
  Environment* e = const_cast<Environment*>(
      select_environment(static_cast<const Config&>(config), requested, env));
  if (e) Reader(config.path, env).resolve(*e, config.base_dir);
  return e;
}

const Environment* select_environment(const Config& config, const std::string& requested,
                                      const EnvLookup& env) {
  std::string name = requested;
  std::string source = "-e";
  if (name.empty()) {
    if (auto v = env("TIDE_ENV"); v && !v->empty()) {
      name = *v;
      source = "TIDE_ENV";
    }
  }
  if (name.empty()) {
    name = config.default_env;
    source = "default_env";
  }
  if (name.empty()) {
    if (config.environments.size() == 1) return &config.environments.front();
    if (config.environments.empty()) return nullptr;
    std::string names;
    for (const auto& e : config.environments) names += (names.empty() ? "" : ", ") + e.name;
    throw usage_error(
        fmt::format("{} defines several environments ({}); choose one with -e NAME, "
                    "TIDE_ENV or default_env",
                    config.path, names));
  }
  for (const auto& e : config.environments) {
    if (e.name == name) return &e;
  }
  std::string names;
  for (const auto& e : config.environments) names += (names.empty() ? "" : ", ") + e.name;
  throw usage_error(fmt::format(
      "environment '{}' (from {}) is not defined{}", name, source,
      config.path.empty()
          ? " (no tide.yaml)"
          : fmt::format(" in {} (defined: {})", config.path, names.empty() ? "none" : names)));
}

QualifiedName parse_table_name(const std::string& name) {
  const size_t dot = name.find('.');
  QualifiedName q{"public", name};
  if (dot != std::string::npos) {
    q.schema = name.substr(0, dot);
    q.table = name.substr(dot + 1);
  }
  if (q.schema.empty() || q.table.empty() || q.table.find('.') != std::string::npos) {
    throw usage_error(fmt::format("table '{}' must be NAME or SCHEMA.NAME", name));
  }
  // PostgreSQL cuts identifiers at 63 bytes: the history table "<table>_history" must fit too,
  // or it would be cut onto the table's own name.
  constexpr size_t kMaxIdentifier = 63;
  const size_t max_table = kMaxIdentifier - std::string("_history").size();
  if (q.schema.size() > kMaxIdentifier) {
    throw usage_error(fmt::format("table '{}': the schema name is {} bytes; PostgreSQL allows {}",
                                  name, q.schema.size(), kMaxIdentifier));
  }
  if (q.table.size() > max_table) {
    throw usage_error(fmt::format(
        "table '{}': the name is {} bytes; at most {} (PostgreSQL allows {} bytes, and the "
        "history table NAME_history must fit too)",
        name, q.table.size(), max_table, kMaxIdentifier));
  }
  return q;
}

std::string QualifiedName::quoted() const {
  return quote_ident(schema) + "." + quote_ident(table);
}

}  // namespace tide
