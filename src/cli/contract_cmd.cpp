// tide contract: the destructive phase of expanded migrations, once the deploy is done.
#include "apply.hpp"

namespace tide::cli {

void add_contract(CLI::App& app, GlobalOptions& g, int& exit_code) {
  auto* cmd = app.add_subcommand("contract",
                                 "Run the contract phase of expanded migrations in version order");
  auto f = std::make_shared<ApplyFlags>();
  auto to = std::make_shared<std::string>();
  cmd->add_option("--to", *to, "Stop after this version");
  add_apply_flags(cmd, *f);
  cmd->callback([&g, &exit_code, f, to] {
    const Context ctx = make_context(g);
    std::optional<Version> until;
    if (!to->empty()) until = parse_version_arg(*to, "--to");
    const MigrationSet files = ctx.load_files(true);
    Target target = ctx.open(target_mode(*f));
    const auto records = target.records();
    require_no_problems(check_history(files, records, true), "cannot run contract");
    exit_code = apply_plan(ctx, target, plan_contract(files, records, until), *f);
  });
}

}  // namespace tide::cli
