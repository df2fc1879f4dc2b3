// tide up: expand (and backfill) every pending migration; resume backfills; --contract too.
#include "apply.hpp"

namespace tide::cli {

void add_up(CLI::App& app, GlobalOptions& g, int& exit_code) {
  auto* cmd =
      app.add_subcommand("up", "Expand (and backfill) every pending migration in version order");
  auto f = std::make_shared<ApplyFlags>();
  auto to = std::make_shared<std::string>();
  auto contract = std::make_shared<bool>(false);
  cmd->add_option("--to", *to, "Stop after this version");
  cmd->add_flag("--contract", *contract, "Also run the contract phase (local convenience)");
  cmd->add_flag("--allow-out-of-order", f->allow_out_of_order,
                "Apply pending migrations older than the newest applied one");
  add_apply_flags(cmd, *f);
  cmd->callback([&g, &exit_code, f, to, contract] {
    const Context ctx = make_context(g);
    UpOptions options;
    if (!to->empty()) options.to = parse_version_arg(*to, "--to");
    const MigrationSet files = ctx.load_files(true);
    options.contract = *contract;
    options.allow_out_of_order = f->allow_out_of_order || ctx.config.out_of_order;
    Target target = ctx.open(target_mode(*f));
    const auto records = target.records();
    lint_before_up(ctx, files, records, &target.session());
    require_no_problems(check_history(files, records, options.allow_out_of_order), "cannot run up");
    exit_code = apply_plan(ctx, target, plan_up(files, records, options), *f);
  });
}

}  // namespace tide::cli
