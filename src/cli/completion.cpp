// Walks the CLI11 definition (commands, flags, value choices) for the completion scripts,
// and the `completion` command that prints them.
#include "completion.hpp"

#include "command.hpp"
#include "context.hpp"

namespace tide::cli {

namespace {

// CLI11 shows an IsMember check in the type name: "TEXT:{text,json}".
std::vector<std::string> choices_of(const CLI::Option& opt) {
  const std::string type = opt.get_type_name();
  const auto open = type.find('{');
  const auto close = type.find('}', open);
  std::vector<std::string> choices;
  if (open == std::string::npos || close == std::string::npos) return choices;
  std::string item;
  for (char c : type.substr(open + 1, close - open - 1)) {
    if (c == ',') {
      choices.push_back(item);
      item.clear();
    } else if (c != ' ') {
      item += c;
    }
  }
  if (!item.empty()) choices.push_back(item);
  return choices;
}

CompletionCommand describe(const CLI::App& app, const std::string& name) {
  CompletionCommand cmd;
  cmd.name = name;
  cmd.description = app.get_description();
  for (const CLI::Option* opt : app.get_options()) {
    if (opt->get_group().empty()) continue;  // hidden
    if (!opt->nonpositional()) {
      if (cmd.argument_choices.empty()) cmd.argument_choices = choices_of(*opt);
      continue;
    }
    CompletionFlag flag;
    for (const auto& s : opt->get_snames()) flag.names.push_back("-" + s);
    for (const auto& l : opt->get_lnames()) flag.names.push_back("--" + l);
    flag.description = opt->get_description();
    flag.takes_value = opt->get_expected_max() > 0;  // a flag expects no value
    if (flag.takes_value) flag.choices = choices_of(*opt);
    cmd.flags.push_back(std::move(flag));
  }
  for (const CLI::App* sub : app.get_subcommands({})) {
    if (sub->get_group().empty()) continue;  // hidden
    cmd.commands.push_back(describe(*sub, sub->get_name()));
  }
  return cmd;
}

}  // namespace

CompletionCommand describe_cli(const CLI::App& app) {
  return describe(app, app.get_name());
}

namespace {

class Completion final : public Command {
 public:
  void define(CLI::App& cmd) override {
    cmd.add_option("shell", shell_, "The shell")
        ->required()
        ->check(CLI::IsMember({"bash", "zsh", "fish"}));
  }
  int run(Run& run) override {
    CompletionCommand root = describe_cli(run.app());
    root.name = "tide";
    if (shell_ == "bash") print(bash_completion(root));
    if (shell_ == "zsh") print(zsh_completion(root));
    if (shell_ == "fish") print(fish_completion(root));
    return 0;
  }

 private:
  std::string shell_;
};

}  // namespace

std::unique_ptr<Command> make_completion_command() {
  return std::make_unique<Completion>();
}

}  // namespace tide::cli
