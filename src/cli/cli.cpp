// The global flags, the command table, help with the global flags on every page, and the
// diagnosis of unknown commands and flags.
#include "cli.hpp"

#include <fmt/format.h>

#include "completion.hpp"
#include "tide/error.hpp"
#include "tide/report/suggest.hpp"
#include "tide/version/build_info.hpp"

namespace tide::cli {
namespace {

constexpr const char* kGlobalGroup = "Global flags";

using AddCommand = void (*)(CLI::App& app, GlobalOptions& g, int& exit_code);

// Every command, in the order `tide help` lists them. A new command is one line here.
const AddCommand kCommands[] = {
    add_new,        add_status, add_up,    add_contract, add_down,  add_validate,
    add_baseline,   add_repair, add_token, add_lint,     add_adopt, add_help,
    add_completion,  // walks this table's commands when it runs
};

// Words users bring from other tools, and the tide command that does that.
struct Synonym {
  const char* word;
  const char* command;
};
const Synonym kSynonyms[] = {
    {"rollback", "down"},  {"revert", "down"},    {"undo", "down"},       {"migrate", "up"},
    {"apply", "up"},       {"create", "new"},     {"generate", "new"},    {"info", "status"},
    {"history", "status"}, {"check", "validate"}, {"verify", "validate"}, {"redo", "down"},
};

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

std::vector<std::string> command_names(const CLI::App& app) {
  std::vector<std::string> names;
  for (const CLI::App* sub : app.get_subcommands([](const CLI::App*) { return true; })) {
    names.push_back(sub->get_name());
  }
  return names;
}

std::string unknown_command(const CLI::App& app, const std::string& word) {
  std::string hint;
  for (const Synonym& s : kSynonyms) {
    if (word == s.word) hint = fmt::format("; tide does that with 'tide {}'", s.command);
  }
  if (hint.empty()) {
    if (auto near = nearest(word, command_names(app))) {
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

void build_cli(CLI::App& app, GlobalOptions& g, int& exit_code) {
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
  for (AddCommand add : kCommands) add(app, g, exit_code);
  for (CLI::App* sub : app.get_subcommands([](CLI::App*) { return true; })) sub->group("Commands");
}

void add_help(CLI::App& app, GlobalOptions&, int& exit_code) {
  auto* cmd = app.add_subcommand("help", "Show the help of tide or of one command");
  auto command = std::make_shared<std::string>();
  cmd->add_option("command", *command, "The command to explain");
  cmd->callback([&app, &exit_code, command] {
    if (command->empty()) {
      print(app.get_formatter()->make_help(&app, app.get_name(), CLI::AppFormatMode::Normal));
    } else {
      const CLI::App* sub = nullptr;
      for (const CLI::App* s : app.get_subcommands([](const CLI::App*) { return true; })) {
        if (s->get_name() == *command) sub = s;
      }
      if (!sub) throw usage_error(unknown_command(app, *command));
      print(sub->help(app.get_name()));
    }
    exit_code = 0;
  });
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
      if (!cmd) return unknown_command(app, a);
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
