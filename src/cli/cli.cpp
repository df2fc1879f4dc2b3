// The global flags, the command table, help with the global flags on every page, and the
// diagnosis of unknown commands and flags.
#include "cli.hpp"

#include <fmt/format.h>

#include <array>

#include "completion.hpp"
#include "tide/error.hpp"
#include "tide/report/suggest.hpp"
#include "tide/version/build_info.hpp"

namespace tide::cli {
namespace {

constexpr const char* kGlobalGroup = "Global flags";

// A row of the table: a command, what it needs before it runs, and the words users bring from
// other tools for it. Flags may narrow the needs (Command::needs): --dry-run only reads and
// takes no lock, validate --offline and lint without --url/-e need no database, adopt without
// --apply only reads.
struct CommandRow {
  const char* name;
  Needs needs;
  std::unique_ptr<Command> (*make)();
  const char* summary;
  std::array<const char*, 4> synonyms;
};

// Every command, in the order `tide help` lists them. A new command is one row here.
// token reads the environment's host and user itself and connects to nothing; lint and adopt
// read their files their own way (lint: those named, adopt: another tool's).
// clang-format off
const CommandRow kCommands[] = {
  // name        files            database              lock
  {"new",        {Files::kReport, DbAccess::kNone,      Lock::kNone},      make_new_command,
   "Write the next migration file and print its path", {"create", "generate"}},
  {"status",     {Files::kReport, DbAccess::kReadOnly,  Lock::kNone},      make_status_command,
   "Show every migration and its state", {"info", "history"}},
  {"up",         {Files::kStrict, DbAccess::kReadWrite, Lock::kMigration}, make_up_command,
   "Expand (and backfill) every pending migration in version order", {"migrate", "apply"}},
  {"contract",   {Files::kStrict, DbAccess::kReadWrite, Lock::kMigration}, make_contract_command,
   "Run the contract phase of expanded migrations in version order", {}},
  {"down",       {Files::kStrict, DbAccess::kReadWrite, Lock::kMigration}, make_down_command,
   "Revert the newest applied or expanded migrations (default: 1)",
   {"rollback", "revert", "undo", "redo"}},
  {"validate",   {Files::kReport, DbAccess::kReadOnly,  Lock::kNone},      make_validate_command,
   "Check the files (and, online, the records) and list every problem", {"check", "verify"}},
  {"baseline",   {Files::kStrict, DbAccess::kReadWrite, Lock::kMigration}, make_baseline_command,
   "Record every migration up to VERSION as done, without running it", {}},
  {"repair",     {Files::kStrict, DbAccess::kReadWrite, Lock::kMigration}, make_repair_command,
   "Re-stamp checksums from the files and clear failed records", {}},
  {"token",      {Files::kNone,   DbAccess::kNone,      Lock::kNone},      make_token_command,
   "Print an RDS IAM auth token for the environment", {}},
  {"lint",       {Files::kNone,   DbAccess::kReadOnly,  Lock::kNone},      make_lint_command,
   "Flag statements that would lock or break a live database (tide help lint: rules)", {}},
  {"adopt",      {Files::kNone,   DbAccess::kReadWrite, Lock::kMigration}, make_adopt_command,
   "Take over a dbmate, sql-migrate, golang-migrate, goose or Flyway project: convert its files "
   "and record what it applied (a preview unless --apply)", {}},
  {"help",       {Files::kNone,   DbAccess::kNone,      Lock::kNone},      make_help_command,
   "Show the help of tide or of one command", {}},
  // completion walks the commands of this table when it runs.
  {"completion", {Files::kNone,   DbAccess::kNone,      Lock::kNone},      make_completion_command,
   "Print a shell completion script: bash, zsh or fish (docs/install.md)", {}},
};
// clang-format on

// Each command's help page ends with the global flags, which work after the command too.
class HelpFormatter : public CLI::Formatter {
 public:
  std::string make_help(const CLI::App* app, std::string name,
                        CLI::AppFormatMode mode) const override {
    const CLI::App* parent = app->get_parent();
    if (!parent || mode != CLI::AppFormatMode::Normal) {
      return CLI::Formatter::make_help(app, name, mode);
    }
    const auto globals = parent->get_options([parent](const CLI::Option* o) {
      return o->get_group() == kGlobalGroup && o != parent->get_help_ptr();
    });
    std::string footer = make_footer(app);
    return make_description(app) + make_usage(app, name) + make_positionals(app) +
           make_groups(app, mode) + make_group(kGlobalGroup, false, globals) +
           (footer.empty() ? "" : "\n" + footer);
  }
  std::string make_usage(const CLI::App* app, std::string name) const override {
    if (app->get_parent()) return CLI::Formatter::make_usage(app, name);
    return "Usage: tide [GLOBAL FLAGS] COMMAND [FLAGS]   (tide help COMMAND: its flags)\n";
  }
};

std::vector<std::string> command_names() {
  std::vector<std::string> names;
  for (const CommandRow& row : kCommands) names.push_back(row.name);
  return names;
}

std::string unknown_command(const std::string& word) {
  std::string hint;
  for (const CommandRow& row : kCommands) {
    for (const char* synonym : row.synonyms) {
      if (synonym && word == synonym)
        hint = fmt::format("; tide does that with 'tide {}'", row.name);
    }
  }
  if (hint.empty()) {
    if (auto near = nearest(word, command_names())) {
      hint = fmt::format("; did you mean '{}'?", *near);
    }
  }
  return fmt::format("unknown command '{}'{} (commands: tide help)", word, hint);
}

// Every spelling of the flags valid for `cmd` (its own and the global ones).
std::vector<std::string> flag_names(const CLI::App& app, const CLI::App* cmd) {
  std::vector<std::string> names;
  for (const CLI::App* a : {cmd, &app}) {
    if (!a) continue;
    for (const CLI::Option* o : a->get_options()) {
      for (const auto& l : o->get_lnames()) names.push_back("--" + l);
      for (const auto& s : o->get_snames()) names.push_back("-" + s);
    }
  }
  return names;
}

const CLI::Option* find_flag(const CLI::App& app, const CLI::App* cmd, const std::string& flag) {
  if (cmd) {
    if (const CLI::Option* o = cmd->get_option_no_throw(flag); o && o->nonpositional()) return o;
  }
  const CLI::Option* o = app.get_option_no_throw(flag);
  return o && o->nonpositional() ? o : nullptr;
}

// CLI11 2.1 gives a flag a type size of 1; what tells a flag from an option is that a flag
// expects no value.
bool takes_value(const CLI::Option* o) {
  return o->get_expected_max() > 0;
}

std::string help_for(const CLI::App* cmd) {
  return cmd ? fmt::format("tide help {}", cmd->get_name()) : "tide help";
}

}  // namespace

std::string help_hint(const CLI::App& app, const std::vector<std::string>& args) {
  for (const std::string& a : args) {
    for (const CLI::App* s : app.get_subcommands([](const CLI::App*) { return true; })) {
      if (s->get_name() == a) return help_for(s);
    }
  }
  return help_for(nullptr);
}

CommandLine::CommandLine(CLI::App& app) : app_(app) {
  GlobalOptions& g = global_;
  app.name("tide");
  app.description("tide: schema migrations for PostgreSQL and Aurora, the expand/contract way");
  app.formatter(std::make_shared<HelpFormatter>());
  app.require_subcommand(1);
  app.fallthrough();  // global flags work after the command too: `tide up -e prod`
  app.option_defaults()->group(kGlobalGroup);
  app.set_help_flag("-h,--help", "Print this help and exit (tide help CMD: a command's)");
  app.set_version_flag("--version", [] { return tide::version_text(tide::build_info()); });
  app.add_option("--config", g.config_path, "Config file (default: ./tide.yaml when present)")
      ->type_name("PATH");
  app.add_option("-e,--env", g.env,
                 "Environment from the config (default: $TIDE_ENV, default_env, the only one)")
      ->type_name("NAME");
  app.add_option("--url", g.url,
                 "Database URL; overrides the environment (without config: $DATABASE_URL)")
      ->type_name("URL");
  app.add_option("--dir", g.dir, "Migrations directory (default: migrations)")->type_name("DIR");
  app.add_option("--table", g.table,
                 "Metadata table, NAME or SCHEMA.NAME (default: tide_migrations)")
      ->type_name("NAME");
  app.add_option("--lock-wait", g.lock_wait,
                 "How long to wait for the migration lock (default: 60s)")
      ->type_name("DURATION");
  app.add_option("--reconnect-timeout", g.reconnect_timeout,
                 "How long to keep reconnecting after a lost connection (default: 2m)")
      ->type_name("DURATION");
  app.add_option("--log-format", g.log_format, "Log format on stderr (default: text)")
      ->type_name("FORMAT")
      ->check(CLI::IsMember({"text", "json"}));
  app.add_flag("-v,--verbose", g.verbose, "More logging (-vv: even more)");
  app.add_flag("-q,--quiet", g.quiet, "Only warnings and errors on stderr");
  app.add_option("--color", g.color,
                 "Colour: auto (a terminal, not TERM=dumb, no NO_COLOR), always, never")
      ->type_name("WHEN")
      ->check(CLI::IsMember({"auto", "always", "never"}));
  app.add_flag("--no-color", g.no_color, "No colour (same as --color=never; also: NO_COLOR)");
  app.add_option("--env-file", g.env_file,
                 "Variables file (default: ./.env when present; never overrides the environment)")
      ->type_name("PATH");
  app.option_defaults()->group("Options");
  for (const CommandRow& row : kCommands) {
    commands_.push_back(row.make());
    commands_.back()->define(*app.add_subcommand(row.name, row.summary));
  }
  for (CLI::App* sub : app.get_subcommands([](CLI::App*) { return true; })) sub->group("Commands");
}

int CommandLine::run() {
  for (size_t i = 0; i < commands_.size(); ++i) {
    if (app_.got_subcommand(kCommands[i].name)) {
      return dispatch(*commands_[i], kCommands[i].needs, global_, app_);
    }
  }
  throw usage_error("a command is required: tide COMMAND (commands: tide help)");
}

namespace {

class Help final : public Command {
 public:
  void define(CLI::App& cmd) override {
    cmd.add_option("command", command_, "The command to explain");
  }
  int run(Run& run) override {
    const CLI::App& app = run.app();
    if (command_.empty()) {
      print(app.get_formatter()->make_help(&app, app.get_name(), CLI::AppFormatMode::Normal));
      return 0;
    }
    for (const CLI::App* s : app.get_subcommands([](const CLI::App*) { return true; })) {
      if (s->get_name() == command_) {
        print(s->help(app.get_name()));
        return 0;
      }
    }
    throw usage_error(unknown_command(command_));
  }

 private:
  std::string command_;
};

}  // namespace

std::unique_ptr<Command> make_help_command() {
  return std::make_unique<Help>();
}

std::optional<std::string> diagnose(const CLI::App& app, const std::vector<std::string>& args) {
  const CLI::App* cmd = nullptr;
  size_t positionals = 0;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a == "--") break;
    if (a.size() > 1 && a[0] == '-' && a.find_first_not_of("0123456789", 1) != std::string::npos) {
      const bool long_flag = a[1] == '-';
      const std::string flag = long_flag ? a.substr(0, a.find('=')) : a.substr(0, 2);
      const CLI::Option* o = find_flag(app, cmd, flag);
      if (!o) {
        const auto near = nearest(flag, flag_names(app, cmd));
        return fmt::format("unknown flag '{}'{} (see '{}')", flag,
                           near ? fmt::format("; did you mean '{}'?", *near) : "", help_for(cmd));
      }
      const bool attached = long_flag ? a.find('=') != std::string::npos : a.size() > 2;
      if (takes_value(o) && !attached) ++i;
      continue;
    }
    if (!cmd) {
      for (const CLI::App* s : app.get_subcommands([](const CLI::App*) { return true; })) {
        if (s->get_name() == a) cmd = s;
      }
      if (!cmd) return unknown_command(a);
      continue;
    }
    size_t allowed = 0;
    for (const CLI::Option* o : cmd->get_options()) {
      if (!o->nonpositional())
        allowed += static_cast<size_t>(std::max(o->get_items_expected_max(), 0));
    }
    if (++positionals > allowed) {
      return fmt::format("unexpected argument '{}' for 'tide {}' (see '{}')", a, cmd->get_name(),
                         help_for(cmd));
    }
  }
  if (!cmd) return std::string("a command is required: tide COMMAND (commands: tide help)");
  return std::nullopt;
}

}  // namespace tide::cli
