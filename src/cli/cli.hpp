// The command line's definition, in one place: the global flags and the table of commands,
// built into one CLI11 app. Parsing, `tide help`, the "did you mean" diagnosis of a bad
// command line (and generated completions or man pages) all walk this one app.
#pragma once

#include <CLI/CLI.hpp>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "command.hpp"
#include "context.hpp"

namespace tide::cli {

// The global flags and every command of the table, registered on an app named "tide"; after
// the app parsed a command line, run() runs the command it chose.
class CommandLine {
 public:
  explicit CommandLine(CLI::App& app);
  CommandLine(const CommandLine&) = delete;  // the app holds pointers into it
  CommandLine& operator=(const CommandLine&) = delete;
  const GlobalOptions& global() const { return global_; }
  // Runs the parsed command and returns its exit code (tide::Error for failures).
  int run();

 private:
  CLI::App& app_;
  GlobalOptions global_;
  std::vector<std::unique_ptr<Command>> commands_;  // one per row of the table, in its order
};

// What is wrong with a command line that CLI11 refused, in the user's words: the unknown
// command or flag (with the nearest known one), an unexpected argument, a missing command.
// nullopt when none of those is the problem (then CLI11's own message says it).
std::optional<std::string> diagnose(const CLI::App& app, const std::vector<std::string>& args);

// Where to read more about the command line `args`: "tide help CMD" or "tide help".
std::string help_hint(const CLI::App& app, const std::vector<std::string>& args);

}  // namespace tide::cli
