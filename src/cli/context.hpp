// What every command starts from: the global flags, the config they select, the
// migration files, and how to reach the database. Terminal concerns live here too.
#pragma once

#include <CLI/CLI.hpp>
#include <optional>
#include <string>

#include "tide/config/config.hpp"
#include "tide/db/connection.hpp"
#include "tide/db/target.hpp"
#include "tide/migration/migration.hpp"
#include "tide/migration/state.hpp"
#include "tide/plan/plan.hpp"
#include "tide/report/report.hpp"

namespace tide::cli {

struct GlobalOptions {
  std::string config_path;
  std::string env;
  std::string url;
  std::string dir;
  std::string table;
  std::string lock_wait;
  std::string reconnect_timeout;
  std::string log_format = "text";
  int verbose = 0;
  bool quiet = false;
  bool no_color = false;
  std::string env_file;        // --env-file (default: .env when present)
  std::string color = "auto";  // --color: auto | always | never
};

// Whether output on `fd` gets colour: --color=always forces it; --color=never, --no-color,
// NO_COLOR and TERM=dumb turn it off; otherwise only on a terminal.
bool wants_color(const GlobalOptions& g, int fd);
// A terminal that understands cursor control (not TERM=dumb): where live progress lines go.
bool smart_terminal(int fd);

struct Context {
  GlobalOptions global;
  Config config;
  const Environment* env = nullptr;
  std::string migrations_dir;
  QualifiedName table;
  EnvLookup vars;         // the environment, then the .env file (never overriding it)
  bool color = false;     // stdout is a terminal that wants colour
  bool progress = false;  // stderr is a terminal: live progress lines

  // All migration files; with `strict`, any problem in them throws (exit 3) listing each.
  MigrationSet load_files(bool strict) const;
  ConnectionSpec connection() const;
  Target open(TargetMode mode) const;
};

// `needs_database`: false for commands that read files only (validate --offline, lint, new):
// they select no environment, so they need none of its variables.
Context make_context(const GlobalOptions& g, bool needs_database = true);

// Parses a --to / baseline version argument (digits).
Version parse_version_arg(const std::string& text, const std::string& flag);

// Writes a JSON document or text to stdout.
void print(const std::string& text);

// Registers the subcommands; each sets `exit_code` when it runs.
void add_new(CLI::App& app, GlobalOptions& g, int& exit_code);
void add_status(CLI::App& app, GlobalOptions& g, int& exit_code);
void add_up(CLI::App& app, GlobalOptions& g, int& exit_code);
void add_contract(CLI::App& app, GlobalOptions& g, int& exit_code);
void add_down(CLI::App& app, GlobalOptions& g, int& exit_code);
void add_validate(CLI::App& app, GlobalOptions& g, int& exit_code);
void add_baseline(CLI::App& app, GlobalOptions& g, int& exit_code);
void add_repair(CLI::App& app, GlobalOptions& g, int& exit_code);
void add_token(CLI::App& app, GlobalOptions& g, int& exit_code);
void add_lint(CLI::App& app, GlobalOptions& g, int& exit_code);
void add_adopt(CLI::App& app, GlobalOptions& g, int& exit_code);

// `tide up`'s first step (config lint: error|warn|off): lints the migrations that have no
// record yet, with the others as context. Throws exit 3 on errors when lint is `error`.
// With `session`, findings carry the live sizes of their tables (small ones drop to info).
void lint_before_up(const Context& ctx, const MigrationSet& files,
                    const std::vector<Record>& records, Session* session = nullptr);
// --dry-run: what each statement of the plan locks, with live table sizes.
std::map<const Statement*, LockNote> lock_notes(const Context& ctx, Session& session,
                                                const Plan& plan);

}  // namespace tide::cli
