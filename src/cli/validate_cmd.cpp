// tide validate: files parse, no duplicates, checksums match, nothing out of order or failed.
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "apply.hpp"

namespace tide::cli {

void add_validate(CLI::App& app, GlobalOptions& g, int& exit_code) {
  auto* cmd = app.add_subcommand(
      "validate", "Check the files (and, online, the records) and list every problem");
  auto offline = std::make_shared<bool>(false);
  auto allow = std::make_shared<bool>(false);
  cmd->add_flag("--offline", *offline, "Check the files alone, without a database (pre-commit)");
  cmd->add_flag("--allow-out-of-order", *allow, "Do not report out-of-order pending migrations");
  cmd->callback([&g, &exit_code, offline, allow] {
    const Context ctx = make_context(g);
    MigrationSet files = load_migrations(ctx.migrations_dir);
    std::vector<Problem> problems = files.problems;
    if (!*offline) {
      Target target = ctx.open(TargetMode::kRead);
      const auto records = target.records();
      for (auto& p : check_history(files, records, *allow || ctx.config.out_of_order))
        problems.push_back(p);
      for (const auto& r : records) {
        if (!files.find(r.version)) {
          spdlog::warn("migration {}_{} is recorded ({}) but its file is missing", r.version.text,
                       r.name, state_name(r.state));
        }
      }
    }
    require_no_problems(problems, fmt::format("{} is not valid", ctx.migrations_dir));
    print(fmt::format("ok: {} migration{} valid{}\n", files.migrations.size(),
                      files.migrations.size() == 1 ? "" : "s", *offline ? " (offline)" : ""));
    exit_code = 0;
  });
}

}  // namespace tide::cli
