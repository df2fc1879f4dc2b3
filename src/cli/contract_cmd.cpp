// tide contract: the destructive phase of expanded migrations, once the deploy is done.
#include "apply.hpp"

namespace tide::cli {
namespace {

class Contract final : public Command {
 public:
  void define(CLI::App& cmd) override {
    cmd.add_option("--to", to_, "Stop after this version");
    add_apply_flags(&cmd, f_);
  }
  Needs needs(const Needs& row, const GlobalOptions&) const override {
    return apply_needs(row, f_);
  }
  int run(Run& run) override {
    const Context& ctx = run.ctx();
    std::optional<Version> until;
    if (!to_.empty()) until = parse_version_arg(to_, "--to");
    const MigrationSet files = run.files();
    Target target = run.open();
    const Plan plan = plan_run(ctx, target, [&](const std::vector<Record>& records) {
      require_no_problems(check_history(files, records, OutOfOrder::allow), "cannot run contract");
      return plan_contract(files, records, until);
    });
    return apply_plan(ctx, target, plan, f_);
  }

 private:
  ApplyFlags f_;
  std::string to_;
};

}  // namespace

std::unique_ptr<Command> make_contract_command() {
  return std::make_unique<Contract>();
}

}  // namespace tide::cli
