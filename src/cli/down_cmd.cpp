// tide down: revert the newest applied/expanded migrations with their down sections.
#include "apply.hpp"

namespace tide::cli {

void add_down(CLI::App& app, GlobalOptions& g, int& exit_code) {
  auto* cmd =
      app.add_subcommand("down", "Revert the newest applied or expanded migrations (default: 1)");
  auto f = std::make_shared<ApplyFlags>();
  auto steps = std::make_shared<int>(1);
  auto to = std::make_shared<std::string>();
  auto* steps_opt = cmd->add_option("--steps", *steps, "How many migrations to revert")
                        ->check(CLI::Validator(
                            [](std::string& v) {
                              return v.find_first_not_of("0123456789") == std::string::npos &&
                                             v.find_first_not_of('0') != std::string::npos
                                         ? std::string()
                                         : "'" + v +
                                               "' is not a count: revert at least 1 (or "
                                               "use --to V)";
                            },
                            "N>=1"));
  cmd->add_option("--to", *to, "Revert every migration newer than this version")
      ->excludes(steps_opt);
  add_apply_flags(cmd, *f);
  cmd->callback([&g, &exit_code, f, steps, to] {
    const Context ctx = make_context(g);
    const MigrationSet files = ctx.load_files(true);
    DownOptions options;
    options.steps = *steps;
    if (!to->empty()) options.to = parse_version_arg(*to, "--to");
    Target target = ctx.open(target_mode(*f));
    const auto records = target.records();
    require_no_problems(check_history(files, records, true), "cannot run down");
    exit_code = apply_plan(ctx, target, plan_down(files, records, options), *f);
  });
}

}  // namespace tide::cli
