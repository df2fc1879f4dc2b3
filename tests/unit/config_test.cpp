// Unit tests for src/config/config.cpp.
#include <catch2/catch.hpp>

#include <unistd.h>
#include <filesystem>
#include <fstream>
#include <map>

#include "temporaries.hpp"
#include "tide/config/config.hpp"
#include "tide/error.hpp"

using namespace tide;
namespace fs = std::filesystem;

namespace {
EnvLookup fake_env(std::map<std::string, std::string> vars) {
  return [vars](const std::string& n) -> std::optional<std::string> {
    auto it = vars.find(n);
    return it == vars.end() ? std::nullopt : std::optional<std::string>(it->second);
  };
}
std::string write_config(const std::string& text) {
  // One directory per process: ctest -j runs test cases in parallel processes.
  const auto dir = fs::temp_directory_path() / ("tide-config-test-" + std::to_string(getpid()));
  fs::create_directories(dir);
  const auto path = dir / "tide.yaml";
  std::ofstream(path) << text;
  return path.string();
}
std::string error_of(const std::string& yaml, const EnvLookup& env = fake_env({})) {
  try {
    load_config(write_config(yaml), env);
  } catch (const Error& e) {
    CHECK(e.code() == ExitCode::kUsage);
    return e.what();
  }
  return "";
}
}  // namespace

TEST_CASE("variables expand with defaults") {
  auto env = fake_env({{"HOST", "db.local"}, {"EMPTY", ""}});
  CHECK(expand_variables("${HOST}:5432", env, "x") == "db.local:5432");
  CHECK(expand_variables("${MISSING:-fallback}", env, "x") == "fallback");
  CHECK(expand_variables("${MISSING:-}", env, "x") == "");
  CHECK(expand_variables("${EMPTY:-d}", env, "x") == "d");
  CHECK(expand_variables("plain $HOME", env, "x") == "plain $HOME");
  CHECK_THROWS_WITH(expand_variables("${MISSING}", env, "tide.yaml:7"),
                    Catch::Contains("tide.yaml:7") && Catch::Contains("MISSING"));
}

TEST_CASE("a full config loads") {
  const std::string path = write_config(R"(
migrations: db/migrations
table: meta.tide_migrations
default_env: local
lock_timeout: 2s
retries: 3
out_of_order: true
version_format: sequential
environments:
  local:
    url: postgres://postgres@localhost:5432/app
  ci:
    host: ${DB_HOST}
    port: 5432
    database: app
    user: migrator
    auth: iam
    region: us-east-1
    role_arn: ${ROLE:-}
    sslmode: verify-full
    sslrootcert: certs/global-bundle.pem
)");
  Config c = load_config(path, fake_env({{"DB_HOST", "cluster.rds"}}));
  CHECK(c.migrations_dir == (fs::path(path).parent_path() / "db/migrations").string());
  CHECK(c.table == "meta.tide_migrations");
  CHECK(c.lock_timeout == Millis(2000));
  CHECK(c.retries == 3);
  CHECK(c.out_of_order);
  CHECK(c.version_format == VersionFormat::kSequential);
  REQUIRE(c.environments.size() == 2);
  CHECK(c.environments[1].host.empty());  // ${DB_HOST}: expanded once ci is selected
  CHECK(c.environments[1].auth == Auth::kIam);
  CHECK(c.environments[1].sslrootcert.find("/certs/global-bundle.pem") != std::string::npos);
  CHECK(select_environment(c, "", fake_env({}))->name == "local");
  const Environment* ci =
      select_environment(c, "", fake_env({{"TIDE_ENV", "ci"}, {"DB_HOST", "cluster.rds"}}));
  CHECK(ci->name == "ci");
  CHECK(ci->host == "cluster.rds");
  CHECK(ci->role_arn.empty());
  CHECK(select_environment(c, "local", fake_env({{"TIDE_ENV", "ci"}}))->name == "local");
  CHECK_THROWS_WITH(select_environment(c, "prod", fake_env({})), Catch::Contains("prod"));
}

TEST_CASE("config errors name the line and key") {
  CHECK_THAT(error_of("migrations: m\ncolour: blue\n"),
             Catch::Contains("tide.yaml:2") && Catch::Contains("colour"));
  CHECK_THAT(error_of("environments:\n  a:\n    hots: x\n"),
             Catch::Contains("tide.yaml:3") && Catch::Contains("hots"));
  Config unset =
      load_config(write_config("environments:\n  a:\n    host: ${NOPE}\n"), fake_env({}));
  CHECK_THROWS_WITH(select_environment(unset, "a", fake_env({})),
                    Catch::Contains("tide.yaml:3") && Catch::Contains("NOPE"));
  CHECK_THAT(error_of("lock_timeout: soon\n"), Catch::Contains("lock_timeout"));
  CHECK_THAT(error_of("environments:\n  a:\n    auth: kerberos\n"), Catch::Contains("auth"));
  CHECK_THAT(error_of("key: [unclosed\n"), Catch::Contains("invalid YAML"));
  CHECK_THAT(error_of("default_env: x\nenvironments:\n  a:\n    url: u\n"),
             Catch::Contains("default_env"));
  CHECK_THAT(error_of("table: a.b.c\n"), Catch::Contains("a.b.c"));
}

TEST_CASE("lint_rules sets per-rule severities and rejects unknown rules") {
  Config c = load_config(write_config("lint: error\nlint_rules:\n  missing-down: off\n"
                                      "  unbatched-update: error\n"),
                         fake_env({}));
  CHECK(c.lint == LintMode::kError);
  CHECK(c.lint_rules.at("missing-down") == "off");
  CHECK(c.lint_rules.at("unbatched-update") == "error");
  CHECK_THAT(error_of("lint_rules:\n  no-such-rule: off\n"),
             Catch::Contains("tide.yaml:2") && Catch::Contains("no-such-rule"));
  CHECK_THAT(error_of("lint_rules:\n  lock-table: loud\n"),
             Catch::Contains("lint_rules.lock-table"));
}

TEST_CASE("environment selection without a default") {
  const std::string path = write_config("environments:\n  a:\n    url: x\n  b:\n    url: y\n");
  Config c = load_config(path, fake_env({}));
  CHECK_THROWS_WITH(select_environment(c, "", fake_env({})), Catch::Contains("-e NAME"));
  Config single = load_config(write_config("environments:\n  only:\n    url: x\n"), fake_env({}));
  CHECK(select_environment(single, "", fake_env({}))->name == "only");
  Config none = load_config(write_config("table: t\n"), fake_env({}));
  CHECK(select_environment(none, "", fake_env({})) == nullptr);
}

TEST_CASE("table names split into schema and table") {
  CHECK(parse_table_name("tide_migrations").schema == "public");
  CHECK(parse_table_name("ops.history").schema == "ops");
  CHECK(parse_table_name("ops.history").quoted() == "\"ops\".\"history\"");
  CHECK_THROWS(parse_table_name(".x"));
}

TEST_CASE("${VAR} is expanded in the selected environment only") {
  const std::string path = write_config(
      "migrations: ${MIG_DIR:-migrations}\ndefault_env: local\nenvironments:\n"
      "  local:\n    url: postgres://localhost/app\n"
      "  prod:\n    host: ${DB_HOST}\n    port: ${DB_PORT}\n    auth: iam\n    user: m\n");
  Config c = load_config(path, fake_env({}));  // no DB_HOST here: prod is not used
  CHECK(select_environment(c, "", fake_env({}))->url == "postgres://localhost/app");
  CHECK_THROWS_WITH(select_environment(c, "prod", fake_env({})),
                    Catch::Contains("tide.yaml:7") && Catch::Contains("DB_HOST"));
  Config again = load_config(path, fake_env({}));
  CHECK_THROWS_WITH(
      select_environment(again, "prod", fake_env({{"DB_HOST", "h"}, {"DB_PORT", "x"}})),
      Catch::Contains("tide.yaml:8") && Catch::Contains("port"));
  Config ok = load_config(path, fake_env({}));
  const Environment* prod =
      select_environment(ok, "prod", fake_env({{"DB_HOST", "h"}, {"DB_PORT", "6432"}}));
  CHECK(prod->host == "h");
  CHECK(prod->port == 6432);
  // Literal values are still checked at load, in every environment.
  CHECK_THAT(error_of("environments:\n  a:\n    url: x\n  b:\n    port: many\n"),
             Catch::Contains("tide.yaml:5") && Catch::Contains("port"));
}

TEST_CASE("config errors: keys, duplicates, tables, durations, directories") {
  CHECK_THAT(error_of("? [a, b]\n: 1\n"),
             Catch::Contains("tide.yaml:1") && Catch::Contains("keys"));
  CHECK_THAT(error_of("environments:\n  a:\n    ? {x: 1}\n    : 2\n"),
             Catch::Contains("tide.yaml:3") && Catch::Contains("keys"));
  CHECK_THAT(error_of("lock_timeout: 1s\ntable: t\nlock_timeout: 2s\n"),
             Catch::Contains("tide.yaml:3") && Catch::Contains("duplicate key 'lock_timeout'"));
  CHECK_THAT(error_of("environments:\n  a:\n    host: x\n    host: y\n"),
             Catch::Contains("tide.yaml:4") && Catch::Contains("duplicate key 'host'"));
  CHECK_THAT(error_of("environments:\n  a:\n    host: x\n  a:\n    host: y\n"),
             Catch::Contains("tide.yaml:4") && Catch::Contains("duplicate key 'a'"));
  CHECK_THAT(error_of("retries: 1\ntable: a.b.c\n"), Catch::Contains("tide.yaml:2") &&
                                                         Catch::Contains("table") &&
                                                         Catch::Contains("a.b.c"));
  CHECK_THAT(error_of("table: " + std::string(56, 't') + "\n"),
             Catch::Contains("tide.yaml:1") && Catch::Contains("_history"));
  CHECK_NOTHROW(load_config(write_config("table: s." + std::string(55, 't') + "\n"), fake_env({})));
  CHECK_THAT(error_of("lock_timeout: 9999999h\n"), Catch::Contains("tide.yaml:1") &&
                                                       Catch::Contains("lock_timeout") &&
                                                       Catch::Contains("out of range"));
  CHECK_THAT(error_of("lock_wait: 600h\n"), Catch::Contains("out of range"));
  const auto dir = fs::temp_directory_path() / ("tide-config-dir-" + std::to_string(getpid()));
  fs::create_directories(dir);
  try {
    load_config(dir.string(), fake_env({}));
    FAIL("expected an error");
  } catch (const Error& e) {
    CHECK(e.code() == ExitCode::kUsage);
    CHECK_THAT(e.what(), Catch::Contains("is a directory"));
  }
  fs::remove_all(dir);
}

TEST_CASE("config errors never show a password") {
  auto error_selecting = [](const std::string& yaml) -> std::string {
    Config c = load_config(write_config(yaml), fake_env({}));  // not selected: no error
    try {
      select_environment(c, "a", fake_env({}));
    } catch (const Error& e) {
      CHECK(e.code() == ExitCode::kUsage);
      return e.what();
    }
    return "";
  };
  const std::string unclosed =
      error_selecting("environments:\n  a:\n    url: postgres://u:Sup3rSecret@h/${DB\n");
  CHECK_THAT(unclosed, Catch::Contains("tide.yaml:3") && Catch::Contains("unclosed"));
  CHECK(unclosed.find("Sup3rSecret") == std::string::npos);
  const std::string pw = error_selecting("environments:\n  a:\n    password: abc${\n");
  CHECK_THAT(pw, Catch::Contains("tide.yaml:3: password"));
  CHECK(pw.find("abc") == std::string::npos);
  const std::string port = error_selecting(
      "environments:\n  a:\n    url: postgres://u:Sup3rSecret@h/db\n    sslmode: ${M:-x}\n");
  CHECK_THAT(port, Catch::Contains("tide.yaml:4: sslmode"));
  Config c =
      load_config(write_config("environments:\n  a:\n    password: ${PW_X}yz\n"), fake_env({}));
  try {
    select_environment(c, "a", fake_env({}));
  } catch (const Error& e) {
    CHECK(std::string(e.what()).find("yz") == std::string::npos);
  }
}

TEST_CASE("an empty tide.yaml loads as the defaults (it used to read as unreadable)", "[config]") {
  const Config c = load_config(write_config(""), fake_env({}));
  CHECK(c.table == "tide_migrations");
  CHECK(c.environments.empty());
}

TEST_CASE(
    "an unknown key's message lists every key the config reads, and each listed key is read") {
  const std::string top = error_of("bogus: 1\n");
  CHECK_THAT(top, Catch::EndsWith(
                      "unknown key 'bogus' (known: migrations, table, default_env, lock_timeout, "
                      "lock_wait, retries, reconnect_timeout, out_of_order, version_format, lint, "
                      "lint_rules, lint_small_rows, lint_small_size, environments, "
                      "backfill_workers, max_replica_lag, max_throttle)"));
  const std::string env = error_of("environments:\n  dev:\n    bogus: 1\n");
  CHECK_THAT(env, Catch::EndsWith("unknown key 'bogus' in environment 'dev' (known: url, host, "
                                  "port, database, user, password, auth, region, role_arn, "
                                  "aws_profile, sslmode, sslrootcert)"));
  // Every listed environment key is accepted (dbname too, database's alias).
  const Config c = load_config(
      write_config("environments:\n  dev:\n    url: postgres://h/d\n    host: h\n    port: 5433\n"
                   "    dbname: d\n    user: u\n    password: p\n    auth: password\n"
                   "    region: eu-west-1\n    role_arn: arn:aws:iam::1:role/r\n"
                   "    aws_profile: prof\n    sslmode: require\n    sslrootcert: ca.pem\n"),
      fake_env({}));
  REQUIRE(c.environments.size() == 1);
  const Environment& e = c.environments[0];
  CHECK(e.port == 5433);
  CHECK(e.database == "d");
  CHECK(e.aws_profile == "prof");
  CHECK(e.sslmode == "require");
  CHECK(e.sslrootcert.find("ca.pem") != std::string::npos);
}

TEST_CASE("a closed set's unknown value is named with the values it may take", "[config]") {
  CHECK_THAT(error_of("environments:\n  a:\n    auth: kerberos\n"),
             Catch::EndsWith("tide.yaml:3: auth: 'kerberos' must be one of iam, password"));
  CHECK_THAT(error_of("version_format: roman\n"),
             Catch::EndsWith("tide.yaml:1: version_format: 'roman' must be one of sequential, "
                             "timestamp"));
  CHECK_THAT(error_of("lint: loud\n"),
             Catch::EndsWith("tide.yaml:1: lint: 'loud' must be one of error, off, warn"));
  CHECK_THAT(error_of("lint_rules:\n  lock-table: loud\n"),
             Catch::EndsWith("tide.yaml:2: lint_rules.lock-table: 'loud' must be one of error, "
                             "off, warning"));
  CHECK_THAT(error_of("environments:\n  a:\n    sslmode: maybe\n"),
             Catch::EndsWith("tide.yaml:3: sslmode: 'maybe' must be one of allow, disable, "
                             "prefer, require, verify-ca, verify-full"));
  // A ${VAR} value is checked once its environment is selected, with the same message.
  Config c = load_config(write_config("environments:\n  a:\n    auth: ${AUTH}\n"), fake_env({}));
  CHECK_THROWS_WITH(select_environment(c, "a", fake_env({{"AUTH", "kerberos"}})),
                    Catch::EndsWith("tide.yaml:3: auth: 'kerberos' must be one of iam, password"));
}

TEST_CASE("each closed set reads every name of its table, and only those", "[config]") {
  const Config defaults = load_config(write_config(""), fake_env({}));
  CHECK(defaults.lint == LintMode::kOff);
  CHECK(defaults.version_format == VersionFormat::kAsFiles);
  CHECK(to_string(VersionFormat::kAsFiles).empty());
  CHECK(Environment{}.auth == Auth::kPassword);
  for (const auto& [name, value] : kLintModeNames) {
    CHECK(load_config(write_config("lint: " + std::string(name) + "\n"), fake_env({})).lint ==
          value);
    CHECK(to_string(value) == name);
  }
  for (const auto& [name, value] : kVersionFormatNames) {
    CHECK(load_config(write_config("version_format: " + std::string(name) + "\n"), fake_env({}))
              .version_format == value);
    CHECK(to_string(value) == name);
  }
  for (const auto& [name, value] : kAuthNames) {
    Config c = load_config(write_config("environments:\n  a:\n    auth: ${AUTH}\n"), fake_env({}));
    CHECK(select_environment(c, "a", fake_env({{"AUTH", std::string(name)}}))->auth == value);
    CHECK(to_string(value) == name);
  }
  CHECK_THAT(error_of("lint: Error\n"), Catch::Contains("must be one of"));
  CHECK_THAT(error_of("version_format: \"\"\n"), Catch::Contains("must be one of"));
}

// The environment chosen points into the config: from a temporary config it would dangle.
namespace {
constexpr auto selects = TIDE_CALL(select_environment(ARG, "", {}));
static_assert(test::refuses_temporary<decltype(selects), Config>);
static_assert(std::is_invocable_v<decltype(selects), Config&>);  // the expanding overload
}  // namespace
