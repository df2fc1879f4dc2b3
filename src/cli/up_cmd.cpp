// tide up: expand (and backfill) every pending migration; resume backfills; --contract too.
#include "apply.hpp"

namespace tide::cli {
namespace {

class Up final : public Command {
 public:
  void define(CLI::App& cmd) override {
    cmd.add_option("--to", to_, "Stop after this version");
    cmd.add_flag("--contract", contract_, "Also run the contract phase (local convenience)");
    cmd.add_flag("--allow-out-of-order", f_.allow_out_of_order,
                 "Apply pending migrations older than the newest applied one");
    add_apply_flags(&cmd, f_);
  }
  Needs needs(const Needs& row, const GlobalOptions&) const override {
    return apply_needs(row, f_);
  }
  int run(Run& run) override {
    const Context& ctx = run.ctx();
    UpOptions options;
    if (!to_.empty()) options.to = parse_version_arg(to_, "--to");
    const MigrationSet files = run.files();
    options.contract = contract_;
    Target target = run.open();
    const Plan plan = plan_run(ctx, target, [&](const std::vector<Record>& records) {
      lint_before_up(ctx, files, records, &target.session());
      require_no_problems(
          check_history(files, records, out_of_order(f_.allow_out_of_order, ctx.config)),
          "cannot run up");
      return plan_up(files, records, options);
    });
    return apply_plan(ctx, target, plan, f_);
  }

 private:
  ApplyFlags f_;
  std::string to_;
  bool contract_ = false;
};

}  // namespace

std::unique_ptr<Command> make_up_command() {
  return std::make_unique<Up>();
}

}  // namespace tide::cli
