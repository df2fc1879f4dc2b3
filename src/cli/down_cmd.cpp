// tide down: revert the newest applied/expanded migrations with their down sections.
#include "apply.hpp"

namespace tide::cli {
namespace {

// --steps N: a count of at least 1 (CLI11 would take 0, -3 or 1e308 as an int).
std::string check_steps(std::string& v) {
  return v.find_first_not_of("0123456789") == std::string::npos &&
                 v.find_first_not_of('0') != std::string::npos
             ? std::string()
             : "'" + v + "' is not a count: revert at least 1 (or use --to V)";
}

class Down final : public Command {
 public:
  void define(CLI::App& cmd) override {
    auto* steps = cmd.add_option("--steps", steps_, "How many migrations to revert")
                      ->check(CLI::Validator(check_steps, "N>=1"));
    cmd.add_option("--to", to_, "Revert every migration newer than this version")->excludes(steps);
    add_apply_flags(&cmd, f_);
  }
  Needs needs(const Needs& row, const GlobalOptions&) const override {
    return apply_needs(row, f_);
  }
  int run(Run& run) override {
    const Context& ctx = run.ctx();
    DownOptions options;
    options.steps = steps_;
    if (!to_.empty()) options.to = parse_version_arg(to_, "--to");
    const MigrationSet files = run.files();
    Target target = run.open();
    const Plan plan = plan_run(ctx, target, [&](const std::vector<Record>& records) {
      require_no_problems(check_history(files, records, OutOfOrder::allow), "cannot run down");
      return plan_down(files, records, options);
    });
    return apply_plan(ctx, target, plan, f_);
  }

 private:
  ApplyFlags f_;
  int steps_ = 1;
  std::string to_;
};

}  // namespace

std::unique_ptr<Command> make_down_command() {
  return std::make_unique<Down>();
}

}  // namespace tide::cli
