// The command line's definition, in one place: the global flags and the table of commands,
// built into one CLI11 app. Parsing, `tide help`, the "did you mean" diagnosis of a bad
// command line (and generated completions or man pages) all walk this one app.
#pragma once

#include <CLI/CLI.hpp>
#include <optional>
#include <string>
#include <vector>

#include "context.hpp"

namespace tide::cli {

// Global flags and every command of the table, registered on `app` (named "tide").
void build_cli(CLI::App& app, GlobalOptions& g, int& exit_code);

// What is wrong with a command line that CLI11 refused, in the user's words: the unknown
// command or flag (with the nearest known one), an unexpected argument, a missing command.
// nullopt when none of those is the problem (then CLI11's own message says it).
std::optional<std::string> diagnose(const CLI::App& app, const std::vector<std::string>& args);

// Where to read more about the command line `args`: "tide help CMD" or "tide help".
std::string help_hint(const CLI::App& app, const std::vector<std::string>& args);

// `tide help` / `tide help CMD`.
void add_help(CLI::App& app, GlobalOptions& g, int& exit_code);

}  // namespace tide::cli
