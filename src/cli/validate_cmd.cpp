// tide validate: files parse, no duplicates, checksums match, nothing out of order or failed,
// no recorded version without its file.
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "apply.hpp"

namespace tide::cli {

void add_validate(CLI::App& app, GlobalOptions& g, int& exit_code) {
  auto* cmd = app.add_subcommand(
      "validate", "Check the files (and, online, the records) and list every problem");
  auto offline = std::make_shared<bool>(false);
  auto allow = std::make_shared<bool>(false);
  auto strict_parse = std::make_shared<bool>(false);
  cmd->add_flag("--offline", *offline, "Check the files alone, without a database (pre-commit)");
  cmd->add_flag("--allow-out-of-order", *allow, "Do not report out-of-order pending migrations");
  cmd->add_flag("--strict-parse", *strict_parse,
                "A file the PostgreSQL 15 grammar does not parse is an error, not a warning");
  cmd->callback([&g, &exit_code, offline, allow, strict_parse] {
    const Context ctx = make_context(g, !*offline);
    MigrationSet files = load_migrations(ctx.migrations_dir);
    std::vector<Problem> problems = files.problems;
    if (auto empty = check_not_empty(files, ctx.migrations_dir)) problems.push_back(*empty);
    for (const Migration& m : files.migrations) {
      if (!m.unparsed) continue;
      if (*strict_parse) {
        problems.push_back(*m.unparsed);
      } else {
        spdlog::warn("{}", m.unparsed->to_string());
      }
    }
    if (!*offline) {
      Target target = ctx.open(TargetMode::kRead);
      const auto records = target.records();
      for (auto& p : check_history(files, records, *allow || ctx.config.out_of_order))
        problems.push_back(p);
    }
    require_no_problems(problems, fmt::format("{} is not valid", ctx.migrations_dir));
    print(fmt::format("ok: {} migration{} valid{}\n", files.migrations.size(),
                      files.migrations.size() == 1 ? "" : "s", *offline ? " (offline)" : ""));
    exit_code = 0;
  });
}

}  // namespace tide::cli
