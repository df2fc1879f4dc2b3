// tide status: every migration from files and records, with its state.
#include <spdlog/spdlog.h>

#include <algorithm>

#include "context.hpp"
#include "tide/error.hpp"
#include "tide/plan/plan.hpp"
#include "tide/report/report.hpp"

namespace tide::cli {

void add_status(CLI::App& app, GlobalOptions& g, int& exit_code) {
  auto* cmd = app.add_subcommand("status", "Show every migration and its state");
  auto format = std::make_shared<std::string>("text");
  auto fail_on_pending = std::make_shared<bool>(false);
  cmd->add_option("--format", *format, "Output format")->check(CLI::IsMember({"text", "json"}));
  cmd->add_flag("--fail-on-pending", *fail_on_pending,
                "Exit 5 when anything is pending or only expanded");
  cmd->callback([&g, &exit_code, format, fail_on_pending] {
    const Context ctx = make_context(g);
    // Files tide cannot use are errors (exit 3), listed after the table: never left out silently.
    const MigrationSet files = load_migrations(ctx.migrations_dir);
    Target target = ctx.open(TargetMode::kRead);
    const auto records = target.records();
    const auto rows = status_rows(files, records);
    print(*format == "json" ? status_json(rows).dump(2) + "\n"
                            : render_status_text(rows, ctx.color));
    const bool unfinished = std::any_of(rows.begin(), rows.end(), [](const StatusRow& r) {
      return r.state == State::kPending || r.state == State::kBackfilling ||
             r.state == State::kExpanded;
    });
    if (*fail_on_pending && unfinished) exit_code = static_cast<int>(ExitCode::kPending);
    for (const Problem& p : files.problems) spdlog::error("{}", p.to_string());
    if (!files.problems.empty()) {
      spdlog::error("{} file problem{} in {}: tide cannot use {} (see `tide validate --offline`)",
                    files.problems.size(), files.problems.size() == 1 ? "" : "s",
                    ctx.migrations_dir, files.problems.size() == 1 ? "it" : "them");
      exit_code = static_cast<int>(ExitCode::kValidation);
    }
  });
}

}  // namespace tide::cli
