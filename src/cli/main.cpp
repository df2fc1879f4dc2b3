// tide's entry point: global flags, the subcommand table, and the one place where errors
// become exit codes and messages (never a raw exception or a stack trace).
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <pqxx/pqxx>

#include "context.hpp"
#include "logging.hpp"
#include "tide/error.hpp"
#include "tide/version.hpp"

namespace {

int report(const std::string& message, int code) {
  std::string m = message;
  while (!m.empty() && m.back() == '\n') m.pop_back();
  spdlog::error("{}", m);
  return code;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace tide::cli;
  CLI::App app{"tide: schema migrations for PostgreSQL and Aurora, the expand/contract way"};
  app.require_subcommand(1);
  app.fallthrough();  // global flags work after the command too: `tide up -e prod`
  app.set_version_flag("--version", std::string("tide ") + tide::kVersion);
  GlobalOptions g;
  app.add_option("--config", g.config_path, "Config file (default: ./tide.yaml when present)");
  app.add_option("-e,--env", g.env,
                 "Environment from the config (default: $TIDE_ENV, default_env, the only one)");
  app.add_option("--url", g.url,
                 "Database URL; overrides the environment (without config: $DATABASE_URL)");
  app.add_option("--dir", g.dir, "Migrations directory (default: migrations)");
  app.add_option("--table", g.table,
                 "Metadata table, NAME or SCHEMA.NAME (default: tide_migrations)");
  app.add_option("--lock-wait", g.lock_wait,
                 "How long to wait for the migration lock (default: 60s)");
  app.add_option("--reconnect-timeout", g.reconnect_timeout,
                 "How long to keep reconnecting after a lost connection (default: 2m)");
  app.add_option("--log-format", g.log_format, "Log format on stderr")
      ->check(CLI::IsMember({"text", "json"}));
  app.add_flag("-v,--verbose", g.verbose, "More logging (-vv: even more)");
  app.add_flag("-q,--quiet", g.quiet, "Only warnings and errors on stderr");
  app.add_flag("--no-color", g.no_color, "No colour (also: NO_COLOR)");

  int exit_code = 0;
  add_new(app, g, exit_code);
  add_status(app, g, exit_code);
  add_up(app, g, exit_code);
  add_contract(app, g, exit_code);
  add_down(app, g, exit_code);
  add_validate(app, g, exit_code);
  add_baseline(app, g, exit_code);
  add_repair(app, g, exit_code);
  add_token(app, g, exit_code);
  add_lint(app, g, exit_code);

  // Logging must be ready before any command runs: set it up once flags are parsed.
  app.parse_complete_callback([&] {
    const bool color = !g.no_color && std::getenv("NO_COLOR") == nullptr && isatty(fileno(stderr));
    setup_logging(g.log_format, g.verbose, g.quiet, color);
  });

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? 0 : static_cast<int>(tide::ExitCode::kUsage);
  } catch (const tide::Error& e) {
    return report(e.what(), static_cast<int>(e.code()));
  } catch (const pqxx::broken_connection& e) {
    return report(std::string("lost the database connection: ") + e.what(), 1);
  } catch (const pqxx::sql_error& e) {
    return report(std::string("database error: ") + e.what(), 1);
  } catch (const std::exception& e) {
    return report(e.what(), 1);
  }
  return exit_code;
}
