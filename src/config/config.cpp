// Loading tide.yaml with yaml-cpp: every key checked, every error with its line.
#include "tide/config.hpp"

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <cstdlib>
#include <filesystem>
#include <set>

#include "tide/error.hpp"
#include "tide/lint.hpp"
#include "tide/sql.hpp"

namespace fs = std::filesystem;

namespace tide {
namespace {

class Reader {
 public:
  Reader(std::string path, const EnvLookup& env) : path_(std::move(path)), env_(env) {}

  std::string where(const YAML::Node& n) const {
    return fmt::format("{}:{}", path_, n.Mark().line + 1);
  }
  Error error(const YAML::Node& n, const std::string& message) const {
    return usage_error(fmt::format("{}: {}", where(n), message));
  }

  std::string scalar(const YAML::Node& n, const std::string& key) const {
    if (!n.IsScalar()) throw error(n, fmt::format("{} must be a single value", key));
    return expand_variables(n.Scalar(), env_, where(n));
  }
  int integer(const YAML::Node& n, const std::string& key, int min, int max) const {
    const std::string s = scalar(n, key);
    try {
      size_t used = 0;
      const long v = std::stol(s, &used);
      if (used == s.size() && v >= min && v <= max) return static_cast<int>(v);
    } catch (const std::exception&) {
    }
    throw error(n, fmt::format("{}: '{}' must be a whole number from {} to {}", key, s, min, max));
  }
  Millis duration(const YAML::Node& n, const std::string& key) const {
    const std::string s = scalar(n, key);
    if (auto d = parse_duration(s)) return *d;
    throw error(n, fmt::format("{}: '{}' is not a duration (like 500ms, 5s, 10m, 1h)", key, s));
  }
  bool boolean(const YAML::Node& n, const std::string& key) const {
    const std::string s = scalar(n, key);
    if (s == "true") return true;
    if (s == "false") return false;
    throw error(n, fmt::format("{}: '{}' must be true or false", key, s));
  }
  std::string choice(const YAML::Node& n, const std::string& key,
                     const std::set<std::string>& allowed) const {
    const std::string s = scalar(n, key);
    if (allowed.count(s)) return s;
    std::string list;
    for (const auto& a : allowed) list += (list.empty() ? "" : ", ") + a;
    throw error(n, fmt::format("{}: '{}' must be one of {}", key, s, list));
  }
  std::string path(const YAML::Node& n, const std::string& key, const std::string& base) const {
    const std::string s = scalar(n, key);
    if (s.empty() || fs::path(s).is_absolute()) return s;
    const std::string joined = (fs::path(base) / s).lexically_normal().string();
    return joined.empty() ? "." : joined;
  }

  Environment environment(const std::string& name, const YAML::Node& n,
                          const std::string& base) const {
    if (!n.IsMap()) throw error(n, fmt::format("environment '{}' must be a mapping", name));
    Environment e;
    e.name = name;
    e.line = n.Mark().line + 1;
    for (const auto& kv : n) {
      const std::string key = kv.first.as<std::string>();
      const YAML::Node& v = kv.second;
      if (key == "url")
        e.url = scalar(v, key);
      else if (key == "host")
        e.host = scalar(v, key);
      else if (key == "port")
        e.port = integer(v, key, 1, 65535);
      else if (key == "database" || key == "dbname")
        e.database = scalar(v, key);
      else if (key == "user")
        e.user = scalar(v, key);
      else if (key == "password")
        e.password = scalar(v, key);
      else if (key == "auth")
        e.auth = choice(v, key, {"password", "iam"});
      else if (key == "region")
        e.region = scalar(v, key);
      else if (key == "role_arn")
        e.role_arn = scalar(v, key);
      else if (key == "aws_profile")
        e.aws_profile = scalar(v, key);
      else if (key == "sslmode")
        e.sslmode =
            choice(v, key, {"disable", "allow", "prefer", "require", "verify-ca", "verify-full"});
      else if (key == "sslrootcert")
        e.sslrootcert = path(v, key, base);
      else
        throw error(kv.first, fmt::format("unknown key '{}' in environment '{}' (known: url, host, "
                                          "port, database, user, password, auth, region, role_arn, "
                                          "aws_profile, sslmode, sslrootcert)",
                                          key, name));
    }
    return e;
  }

 private:
  std::string path_;
  const EnvLookup& env_;
};

}  // namespace

EnvLookup process_environment() {
  return [](const std::string& name) -> std::optional<std::string> {
    const char* v = std::getenv(name.c_str());
    return v ? std::optional<std::string>(v) : std::nullopt;
  };
}

std::string expand_variables(const std::string& text, const EnvLookup& env,
                             const std::string& where) {
  std::string out;
  size_t i = 0;
  while (i < text.size()) {
    if (text.compare(i, 2, "${") != 0) {
      out += text[i++];
      continue;
    }
    const size_t close = text.find('}', i + 2);
    if (close == std::string::npos) {
      throw usage_error(fmt::format("{}: unclosed '${{' in '{}'", where, text));
    }
    const std::string inner = text.substr(i + 2, close - i - 2);
    const size_t dash = inner.find(":-");
    const std::string name = inner.substr(0, dash);
    if (name.empty()) throw usage_error(fmt::format("{}: empty variable name in '${{}}'", where));
    if (auto value = env(name); value && !(dash != std::string::npos && value->empty())) {
      out += *value;
    } else if (dash != std::string::npos) {
      out += inner.substr(dash + 2);
    } else {
      throw usage_error(
          fmt::format("{}: environment variable {} is not set (write ${{{}:-default}} "
                      "to give a default)",
                      where, name, name));
    }
    i = close + 1;
  }
  return out;
}

Config load_config(const std::string& path, const EnvLookup& env) {
  YAML::Node root;
  try {
    root = YAML::LoadFile(path);
  } catch (const YAML::BadFile&) {
    throw usage_error(fmt::format("cannot read config file '{}'", path));
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
  for (const auto& kv : root) {
    const std::string key = kv.first.as<std::string>();
    const YAML::Node& v = kv.second;
    if (key == "migrations")
      c.migrations_dir = r.path(v, key, c.base_dir);
    else if (key == "table")
      c.table = r.scalar(v, key);
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
    else if (key == "lint_rules") {
      if (!v.IsMap()) throw r.error(v, "lint_rules must map rule names to error, warning or off");
      for (const auto& rule : v) {
        const std::string name = rule.first.as<std::string>();
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
      for (const auto& env_kv : v) {
        c.environments.push_back(
            r.environment(env_kv.first.as<std::string>(), env_kv.second, c.base_dir));
      }
    } else {
      throw r.error(
          kv.first,
          fmt::format("unknown key '{}' (known: migrations, table, default_env, "
                      "lock_timeout, lock_wait, retries, reconnect_timeout, out_of_order, "
                      "version_format, lint, lint_rules, environments)",
                      key));
    }
  }
  if (!c.default_env.empty() &&
      !std::any_of(c.environments.begin(), c.environments.end(),
                   [&](const Environment& e) { return e.name == c.default_env; })) {
    throw usage_error(
        fmt::format("{}: default_env '{}' is not one of the environments", path, c.default_env));
  }
  parse_table_name(c.table);
  return c;
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
  return q;
}

std::string QualifiedName::quoted() const {
  return quote_ident(schema) + "." + quote_ident(table);
}

}  // namespace tide
