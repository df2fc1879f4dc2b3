// tide's entry point: the command line (cli.cpp) and the one place where errors become exit
// codes and messages (never a raw exception or a stack trace).
#include <spdlog/spdlog.h>

#include <CLI/CLI.hpp>

#include "cli.hpp"
#include "context.hpp"
#include "logging.hpp"
#include "tide/error.hpp"
#include "tide/util/log_fields.hpp"

namespace {

int report(const std::string& message, int code, const tide::LogFields& fields = {}) {
  std::string m = message;
  while (!m.empty() && m.back() == '\n') m.pop_back();
  tide::cli::end_progress_line();
  const tide::LogScope scope(fields);
  spdlog::error("{}", m);
  return code;
}

// A command line CLI11 refused: say what is wrong in the user's words, and where to look.
int usage(const CLI::App& app, const CLI::ParseError& e, int argc, char** argv) {
  const std::vector<std::string> args(argv + 1, argv + argc);
  std::string message = tide::cli::diagnose(app, args).value_or(e.what());
  if (message.find("tide help") == std::string::npos) {
    message += " (see '" + tide::cli::help_hint(app, args) + "')";
  }
  return report(message, static_cast<int>(tide::ExitCode::kUsage));
}

}  // namespace

int main(int argc, char** argv) {
  using namespace tide::cli;
  CLI::App app;
  CommandLine cli(app);
  setup_logging(cli.global());  // the defaults, until the flags are known

  // Logging must be ready before any command runs: set it up again once flags are parsed.
  app.parse_complete_callback([&] { setup_logging(cli.global()); });

  try {
    app.parse(argc, argv);
    return cli.run();
  } catch (const CLI::Success& e) {
    return app.exit(e);  // --help, --version
  } catch (const CLI::ParseError& e) {
    return usage(app, e, argc, argv);
  } catch (const DatabaseFailure& e) {  // libpqxx's, translated by dispatch(): a safety net
    tide::LogFields fields;
    fields.sqlstate = e.sqlstate();
    return report(e.what(), static_cast<int>(e.code()), fields);
  } catch (const tide::DatabaseError& e) {
    tide::LogFields fields;
    fields.sqlstate = e.sqlstate();
    return report(e.what(), static_cast<int>(e.code()), fields);
  } catch (const tide::Error& e) {
    return report(e.what(), static_cast<int>(e.code()));
  } catch (const std::exception& e) {
    // Not one of tide's errors: a bug. Its text is a library's, not a message for the user.
    spdlog::debug("unexpected exception: {}", e.what());
    return report(
        "internal error: tide stopped on an unexpected exception (rerun with -v to see it); "
        "please report this",
        static_cast<int>(tide::ExitCode::kFailed));
  }
}
