// Carrying out a plan for a command and showing what happened.
#include "apply.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <chrono>
#include <cstdio>

#include "tide/db/runner.hpp"
#include "tide/error.hpp"
#include "tide/report.hpp"

namespace tide::cli {
namespace {

// Backfill progress: a live line on a terminal, a log line every 10 s elsewhere.
std::function<void(const BackfillProgress&)> progress_printer(bool terminal) {
  auto last_log = std::make_shared<std::chrono::steady_clock::time_point>();
  return [terminal, last_log](const BackfillProgress& p) {
    const double rate = p.elapsed_s > 0 ? static_cast<double>(p.rows) / p.elapsed_s : 0;
    std::string share;
    if (p.estimated_total > 0) {
      share = fmt::format(" of ~{} ({:.0f}%)", p.estimated_total,
                          std::min(100.0, 100.0 * static_cast<double>(p.rows) /
                                              static_cast<double>(p.estimated_total)));
    }
    const std::string line =
        fmt::format("{} backfill: {} rows{} · {:.0f} rows/s · {:.1f}s", p.step->migration->filename,
                    p.rows, share, rate, p.elapsed_s);
    if (terminal) {
      std::fprintf(stderr, "\r\033[K%s%s", line.c_str(), p.done ? "\n" : "");
      std::fflush(stderr);
      return;
    }
    const auto now = std::chrono::steady_clock::now();
    if (p.done || now - *last_log > std::chrono::seconds(10)) {
      spdlog::info("{}", line + (p.done ? " (done)" : ""));
      *last_log = now;
    }
  };
}

}  // namespace

void add_apply_flags(CLI::App* cmd, ApplyFlags& f) {
  auto* dry =
      cmd->add_flag("--dry-run", f.dry_run, "Print the plan as SQL (or JSON); change nothing");
  cmd->add_flag("--rehearse", f.rehearse, "Run each transactional step and roll it back")
      ->excludes(dry);
  cmd->add_option("--format", f.format, "Output format")->check(CLI::IsMember({"text", "json"}));
  cmd->add_option("--retries", f.retries,
                  "Retries after a lock timeout (default: config retries, 5)")
      ->check(CLI::Range(0, 100));
}

TargetMode target_mode(const ApplyFlags& f) {
  if (f.dry_run) return TargetMode::kRead;
  return f.rehearse ? TargetMode::kRehearse : TargetMode::kMigrate;
}

void require_no_problems(const std::vector<Problem>& problems, const std::string& what) {
  if (problems.empty()) return;
  std::string list;
  for (const auto& p : problems) list += "\n  " + p.to_string();
  throw validation_error(fmt::format("{}: {} problem{}:{}", what, problems.size(),
                                     problems.size() == 1 ? "" : "s", list));
}

int apply_plan(const Context& ctx, Target& target, const Plan& plan, const ApplyFlags& f) {
  PlanContext pc{target.session().spec().describe(), ctx.config.lock_timeout, {}};
  if (f.dry_run) {
    pc.locks = lock_notes(ctx, target.session(), plan);
    print(f.format == "json" ? plan_json(plan, pc).dump(2) + "\n" : render_plan_sql(plan, pc));
    return 0;
  }
  RunSettings settings;
  settings.lock_timeout = ctx.config.lock_timeout;
  settings.retries = f.retries >= 0 ? f.retries : ctx.config.retries;
  settings.rehearse = f.rehearse;
  settings.on_progress = progress_printer(ctx.progress);
  settings.on_reconnect = [&target] { target.relock(); };
  Runner runner(target.session(), target.history(), settings);
  const RunReport report = runner.run(plan);
  print(f.format == "json" ? run_json(plan, report, f.rehearse).dump(2) + "\n"
                           : render_run_text(plan, report, f.rehearse, ctx.color));
  return report.ok() ? 0 : static_cast<int>(ExitCode::kFailed);
}

}  // namespace tide::cli
