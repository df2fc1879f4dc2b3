// tide status: every migration from files and records, with its state.
#include <algorithm>

#include "context.hpp"
#include "tide/error.hpp"
#include "tide/plan.hpp"
#include "tide/report.hpp"

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
    const MigrationSet files = ctx.load_files(false);
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
  });
}

}  // namespace tide::cli
