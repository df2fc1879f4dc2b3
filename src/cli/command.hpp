// A command of the table (cli.cpp): what it needs before it can run, its flags, and the
// function that runs it and returns its exit code. The Run hands a command what its row
// declares — the context, the migration files, the database — each made in one place.
#pragma once

#include <CLI/CLI.hpp>
#include <memory>
#include <optional>
#include <string>

#include "context.hpp"
#include "tide/error.hpp"

namespace tide::cli {

// What a command needs: the files (Files, context.hpp), the database and the lock.
struct Needs {
  Files files = Files::kNone;
  DbAccess database = DbAccess::kNone;
  Lock lock = Lock::kNone;
};

// How tide opens the database for these needs. A changing run always holds the migration
// lock, and a read-only one never does: any other combination is a mistake in the table
// (std::logic_error).
TargetMode target_mode(const Needs& needs);

class Command;

// One invocation of a command: made by the dispatcher from the global flags and the needs of
// the command's row (as its flags narrow them). The command asks for each part when its story
// reaches it, so errors come in the order the command meets them.
class Run {
 public:
  Run(const GlobalOptions& global, const Needs& needs, const CLI::App& app)
      : global_(global), needs_(needs), app_(app) {}

  const GlobalOptions& global() const { return global_; }
  const Needs& needs() const { return needs_; }
  const CLI::App& app() const { return app_; }  // the whole command line (help, completion)

  // The config and environment the global flags select (built on first use; an environment
  // only when the command needs a database).
  const Context& ctx();
  // The migration files, read as the row says (Files::kStrict: any problem throws exit 3).
  MigrationSet files();
  // The database, opened as the row says: read-only, rehearsal or read-write under the lock.
  Target open();
  // A read-only look first, for a command that changes the database only after it
  // (adopt: a refused adoption creates nothing).
  Target open_read_only();

 private:
  GlobalOptions global_;
  Needs needs_;
  const CLI::App& app_;
  std::optional<Context> ctx_;
};

class Command {
 public:
  virtual ~Command() = default;
  // Registers the command's flags and arguments on `cmd`, bound to the command's members.
  virtual void define(CLI::App& cmd) = 0;
  // What this invocation needs: the row's needs unless a flag asks for less (--dry-run reads
  // only, --offline needs no database). Called after parsing.
  virtual Needs needs(const Needs& row, const GlobalOptions& /*global*/) const { return row; }
  // Runs the command; returns its exit code, or throws tide::Error.
  virtual int run(Run& run) = 0;
};

// The commands, one factory each (in their *_cmd.cpp files).
std::unique_ptr<Command> make_new_command();
std::unique_ptr<Command> make_status_command();
std::unique_ptr<Command> make_up_command();
std::unique_ptr<Command> make_contract_command();
std::unique_ptr<Command> make_down_command();
std::unique_ptr<Command> make_validate_command();
std::unique_ptr<Command> make_baseline_command();
std::unique_ptr<Command> make_repair_command();
std::unique_ptr<Command> make_token_command();
std::unique_ptr<Command> make_lint_command();
std::unique_ptr<Command> make_adopt_command();
std::unique_ptr<Command> make_help_command();
std::unique_ptr<Command> make_completion_command();

// A failure the database reported (exit 1), with its SQLSTATE for the log's fields.
class DatabaseFailure : public Error {
 public:
  DatabaseFailure(const std::string& message, std::string sqlstate)
      : Error(ExitCode::kFailed, message), sqlstate_(std::move(sqlstate)) {}
  const std::string& sqlstate() const { return sqlstate_; }

 private:
  std::string sqlstate_;
};

// Runs `command` with the needs of its row; what it throws reaches main as a tide::Error
// (libpqxx and filesystem errors translated here, with the messages tide always gave).
int dispatch(Command& command, const Needs& row, const GlobalOptions& global, const CLI::App& app);

}  // namespace tide::cli
