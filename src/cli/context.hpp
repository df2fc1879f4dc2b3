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
#include "tide/util/ansi.hpp"

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

// How a command reads the migration files, and what it does with the problems in them.
enum class Files {
  kNone,    // reads none (or reads them its own way: lint, adopt)
  kReport,  // every file; the problems stay in the set, for the command to report
  kWarn,    // every file; the problems are logged as one warning
  kStrict,  // every file; any problem, or no file at all, stops the command (exit 3)
};
// Which database a command works on.
enum class DbAccess {
  kNone,       // none: no environment is selected, so none of its variables is needed
  kReadOnly,   // a read-only session; nothing is created
  kRehearse,   // the writer; every transactional step rolled back, nothing created
  kReadWrite,  // the writer; the metadata table is created when missing
};
// Whether a command takes the migration lock (one runner at a time per database).
enum class Lock { kNone, kMigration };

struct Context {
  GlobalOptions global;
  Config config;
  const Environment* env = nullptr;
  std::string migrations_dir;
  QualifiedName table;
  EnvLookup vars;                       // the environment, then the .env file (never overriding it)
  util::Color color = util::Color::no;  // stdout is a terminal that wants colour
  bool progress = false;                // stderr is a terminal: live progress lines

  // All migration files, their problems handled as `how` says (Files::kNone: no files).
  MigrationSet load_files(Files how) const;
  ConnectionSpec connection() const;
  Target open(TargetMode mode) const;
};

// With DbAccess::kNone (validate --offline, lint, new) no environment is selected, so none
// of its variables is needed.
Context make_context(const GlobalOptions& g, DbAccess database);

// Parses a --to / baseline version argument (digits).
Version parse_version_arg(const std::string& text, const std::string& flag);

// Writes a JSON document or text to stdout.
void print(const std::string& text);

// `tide up`'s first step (config lint: error|warn|off): lints the migrations that have no
// record yet, with the others as context. Throws exit 3 on errors when lint is `error`.
// With `session`, findings carry the live sizes of their tables (small ones drop to info).
void lint_before_up(const Context& ctx, const MigrationSet& files,
                    const std::vector<Record>& records, Session* session = nullptr);
// --dry-run: what each statement of the plan locks, with live table sizes.
std::map<const Statement*, LockNote> lock_notes(const Context& ctx, Session& session,
                                                const Plan& plan);

}  // namespace tide::cli
