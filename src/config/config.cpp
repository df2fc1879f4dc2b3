// Loading tide.yaml with yaml-cpp: every key checked, every error with its line.
#include "tide/config/config.hpp"

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <cstdlib>
#include <filesystem>
#include <set>

#include "tide/config/redact.hpp"
#include "tide/error.hpp"
#include "tide/lint/lint.hpp"
#include "tide/util/file.hpp"
#include "tide/util/text.hpp"

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
  // A value from a closed set: an enum's table (tide/util/enum_names.hpp), or plain names kept
  // as text (sslmode goes to libpq as written). Either way the message lists what is accepted.
  template <typename Enum, size_t N>
  Enum choice(const std::string& s, int line, const std::string& key,
              const util::EnumName<Enum> (&table)[N]) const {
    if (const std::optional<Enum> v = util::parse_enum(table, s)) return *v;
    throw not_one_of(s, line, key, util::enum_names(table));
  }
  std::string choice(const std::string& s, int line, const std::string& key,
                     const std::set<std::string>& allowed) const {
    if (allowed.count(s)) return s;
    throw not_one_of(s, line, key, util::join({allowed.begin(), allowed.end()}, ", "));
  }
  template <typename Allowed>
  auto choice(const YAML::Node& n, const std::string& key, const Allowed& allowed) const {
    return choice(scalar(n, key), line_of(n), key, allowed);
  }
  Error not_one_of(const std::string& s, int line, const std::string& key,
                   const std::string& names) const {
    return error(line, fmt::format("{}: '{}' must be one of {}", key, shown(key, s), names));
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

  // Every setting an environment may have and how it is stored, its variables already
  // expanded: the one list that the key check, the "known" message and set() read. `alias`
  // keys (dbname for database) work but are not listed.
  struct EnvKey {
    const char* name;
    bool alias;
    void (*store)(const Reader& r, Environment& e, const std::string& v, int line,
                  const std::string& base);
  };
  static const std::vector<EnvKey>& env_keys() {
    using S = const std::string&;
    static const std::vector<EnvKey> kKeys = {
        {"url", false, [](const Reader&, Environment& e, S v, int, S) { e.url = v; }},
        {"host", false, [](const Reader&, Environment& e, S v, int, S) { e.host = v; }},
        {"port", false,
         [](const Reader& r, Environment& e, S v, int line, S) {
           e.port = r.integer(v, line, "port", 1, 65535);
         }},
        {"database", false, [](const Reader&, Environment& e, S v, int, S) { e.database = v; }},
        {"dbname", true, [](const Reader&, Environment& e, S v, int, S) { e.database = v; }},
        {"user", false, [](const Reader&, Environment& e, S v, int, S) { e.user = v; }},
        {"password", false, [](const Reader&, Environment& e, S v, int, S) { e.password = v; }},
        {"auth", false,
         [](const Reader& r, Environment& e, S v, int line, S) {
           e.auth = r.choice(v, line, "auth", kAuthNames);
         }},
        {"region", false, [](const Reader&, Environment& e, S v, int, S) { e.region = v; }},
        {"role_arn", false, [](const Reader&, Environment& e, S v, int, S) { e.role_arn = v; }},
        {"aws_profile", false,
         [](const Reader&, Environment& e, S v, int, S) { e.aws_profile = v; }},
        {"sslmode", false,
         [](const Reader& r, Environment& e, S v, int line, S) {
           e.sslmode =
               r.choice(v, line, "sslmode",
                        {"disable", "allow", "prefer", "require", "verify-ca", "verify-full"});
         }},
        {"sslrootcert", false,
         [](const Reader& r, Environment& e, S v, int, S base) {
           e.sslrootcert = r.path(v, base);
         }},
    };
    return kKeys;
  }
  static const EnvKey* env_key(const std::string& name) {
    for (const EnvKey& k : env_keys()) {
      if (name == k.name) return &k;
    }
    return nullptr;
  }

  // Stores one setting of an environment, its variables already expanded.
  void set(Environment& e, const std::string& key, const std::string& v, int line,
           const std::string& base) const {
    if (const EnvKey* k = env_key(key)) k->store(*this, e, v, line, base);
  }

  // Reads an environment. Values with ${VAR} stay unexpanded until the environment is
  // selected (resolve()): another machine's variables are not this one's business.
  Environment environment(const std::string& name, const YAML::Node& n,
                          const std::string& base) const {
    if (!n.IsMap()) throw error(n, fmt::format("environment '{}' must be a mapping", name));
    Environment e;
    e.name = name;
    e.line = line_of(n);
    std::set<std::string> seen;
    const std::string in_env = fmt::format(" in environment '{}'", name);
    for (const auto& kv : n) {
      const std::string key = key_of(kv.first, seen, in_env);
      if (!env_key(key)) {
        std::vector<std::string> known;
        for (const EnvKey& k : env_keys()) {
          if (!k.alias) known.emplace_back(k.name);
        }
        throw error(kv.first, fmt::format("unknown key '{}' in environment '{}' (known: {})", key,
                                          name, util::join(known, ", ")));
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

std::string environment_names(const Config& config) {
  std::vector<std::string> names;
  for (const auto& e : config.environments) names.push_back(e.name);
  return util::join(names, ", ");
}

// Every top-level key of tide.yaml and how it is read: the one list that the key check and the
// "known" message read.
struct TopKey {
  const char* name;
  void (*read)(const Reader& r, const YAML::Node& v, Config& c);
};
using Node = const YAML::Node&;
const TopKey kTopKeys[] = {
    {"migrations", [](const Reader& r, Node v,
                      Config& c) { c.migrations_dir = r.path(v, "migrations", c.base_dir); }},
    {"table", [](const Reader& r, Node v, Config& c) { c.table = r.table(v); }},
    {"default_env",
     [](const Reader& r, Node v, Config& c) { c.default_env = r.scalar(v, "default_env"); }},
    {"lock_timeout",
     [](const Reader& r, Node v, Config& c) { c.lock_timeout = r.duration(v, "lock_timeout"); }},
    {"lock_wait",
     [](const Reader& r, Node v, Config& c) { c.lock_wait = r.duration(v, "lock_wait"); }},
    {"retries",
     [](const Reader& r, Node v, Config& c) { c.retries = r.integer(v, "retries", 0, 100); }},
    {"reconnect_timeout",
     [](const Reader& r, Node v, Config& c) {
       c.reconnect_timeout = r.duration(v, "reconnect_timeout");
     }},
    {"out_of_order",
     [](const Reader& r, Node v, Config& c) { c.out_of_order = r.boolean(v, "out_of_order"); }},
    {"version_format",
     [](const Reader& r, Node v, Config& c) {
       c.version_format = r.choice(v, "version_format", kVersionFormatNames);
     }},
    {"lint",
     [](const Reader& r, Node v, Config& c) { c.lint = r.choice(v, "lint", kLintModeNames); }},
    {"lint_rules",
     [](const Reader& r, Node v, Config& c) {
       if (!v.IsMap()) throw r.error(v, "lint_rules must map rule names to error, warning or off");
       std::set<std::string> seen_rules;
       for (const auto& rule : v) {
         const std::string name = r.key_of(rule.first, seen_rules, " in lint_rules");
         if (!lint::find_rule(name)) {
           throw r.error(
               rule.first,
               fmt::format("lint_rules: unknown rule '{}' (docs/lint.md lists the rules)", name));
         }
         c.lint_rules[name] = r.choice(rule.second, "lint_rules." + name,
                                       std::set<std::string>{"error", "warning", "off"});
       }
     }},
    {"lint_small_rows",
     [](const Reader& r, Node v, Config& c) {
       c.lint_small_rows = r.integer(v, "lint_small_rows", 0, 2000000000);
     }},
    {"lint_small_size", [](const Reader& r, Node v,
                           Config& c) { c.lint_small_bytes = r.bytes(v, "lint_small_size"); }},
    {"environments",
     [](const Reader& r, Node v, Config& c) {
       if (!v.IsMap()) throw r.error(v, "environments must be a mapping of names to settings");
       std::set<std::string> seen_envs;
       for (const auto& env_kv : v) {
         c.environments.push_back(r.environment(
             r.key_of(env_kv.first, seen_envs, " in environments"), env_kv.second, c.base_dir));
       }
     }},
    {"backfill_workers",
     [](const Reader& r, Node v, Config& c) {
       c.backfill_workers = r.integer(v, "backfill_workers", 1, 32);
     }},
    {"max_replica_lag", [](const Reader& r, Node v,
                           Config& c) { c.max_replica_lag = r.duration(v, "max_replica_lag"); }},
    {"max_throttle",
     [](const Reader& r, Node v, Config& c) { c.max_throttle = r.duration(v, "max_throttle"); }},
};

const TopKey* top_key(const std::string& name) {
  for (const TopKey& k : kTopKeys) {
    if (name == k.name) return &k;
  }
  return nullptr;
}

}  // namespace

Config load_config(const std::string& path, const EnvLookup& env) {
  std::error_code ec;
  if (fs::is_directory(path, ec)) {
    throw usage_error(
        fmt::format("config file '{}' is a directory: give the path of a tide.yaml file", path));
  }
  const util::FileText text = util::read_file(path);
  if (!text) throw usage_error(fmt::format("cannot read config file '{}'", path));
  YAML::Node root;
  try {
    root = YAML::Load(*text.content);
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
    const TopKey* k = top_key(key);
    if (!k) {
      std::vector<std::string> known;
      for (const TopKey& t : kTopKeys) known.emplace_back(t.name);
      throw r.error(kv.first,
                    fmt::format("unknown key '{}' (known: {})", key, util::join(known, ", ")));
    }
    k->read(r, kv.second, c);
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
    const std::string names = environment_names(config);
    throw usage_error(
        fmt::format("{} defines several environments ({}); choose one with -e NAME, "
                    "TIDE_ENV or default_env",
                    config.path, names));
  }
  for (const auto& e : config.environments) {
    if (e.name == name) return &e;
  }
  const std::string names = environment_names(config);
  throw usage_error(fmt::format(
      "environment '{}' (from {}) is not defined{}", name, source,
      config.path.empty()
          ? " (no tide.yaml)"
          : fmt::format(" in {} (defined: {})", config.path, names.empty() ? "none" : names)));
}

}  // namespace tide
