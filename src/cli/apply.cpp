// Carrying out a plan for a command and showing what happened.
#include "apply.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <unistd.h>

#include <chrono>
#include <csignal>
#include <cstdio>

#include "tide/db/preconditions.hpp"
#include "tide/db/runner.hpp"
#include "tide/error.hpp"
#include "tide/report.hpp"

namespace tide::cli {
namespace {

// SIGINT / SIGTERM: the run stops after the step or batch under way (the runner asks between
// them). The handler resets itself, so a second signal stops tide at once (the server rolls
// back the transaction under way; the record stays what it was).
volatile std::sig_atomic_t g_signal = 0;

extern "C" void on_stop_signal(int sig) {
  g_signal = sig;
  static const char kMessage[] =
      "\ntide: stopping after the current step or batch (interrupt again to stop at once)\n";
  ssize_t ignored = write(STDERR_FILENO, kMessage, sizeof kMessage - 1);
  (void)ignored;
}

// Catches SIGINT and SIGTERM while it lives; restores the previous handlers after.
class StopSignals {
 public:
  StopSignals() {
    struct sigaction sa {};
    sa.sa_handler = on_stop_signal;
    sa.sa_flags = SA_RESETHAND | SA_RESTART;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, &old_int_);
    sigaction(SIGTERM, &sa, &old_term_);
  }
  ~StopSignals() {
    sigaction(SIGINT, &old_int_, nullptr);
    sigaction(SIGTERM, &old_term_, nullptr);
  }
  StopSignals(const StopSignals&) = delete;
  StopSignals& operator=(const StopSignals&) = delete;

 private:
  struct sigaction old_int_ {};
  struct sigaction old_term_ {};
};

// Backfill progress: a live line on a terminal, a log line every 10 s elsewhere. `open` is
// true while a live line waits for its end (a newline before anything else is printed).
std::function<void(const BackfillProgress&)> progress_printer(bool terminal,
                                                              std::shared_ptr<bool> open) {
  auto last_log = std::make_shared<std::chrono::steady_clock::time_point>();
  return [terminal, last_log, open](const BackfillProgress& p) {
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
      *open = !p.done;
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

// Every precondition the database can answer before the first step (also for --dry-run):
// keyed backfills whose table no earlier step touches. Throws exit 3 listing each problem.
void check_preconditions(Target& target, const Plan& plan) {
  const auto checks = backfill_checks(plan);
  if (checks.empty()) return;
  std::vector<std::string> problems;
  {
    pqxx::read_transaction tx(target.session().conn());
    problems = check_up_front(tx, checks);
  }
  if (problems.empty()) return;
  std::string list;
  for (const auto& p : problems) list += "\n  " + p;
  throw validation_error(
      fmt::format("cannot run {}: {} problem{} found before changing anything:{}", plan.command,
                  problems.size(), problems.size() == 1 ? "" : "s", list));
}

int apply_plan(const Context& ctx, Target& target, const Plan& plan, const ApplyFlags& f) {
  const PlanContext pc{target.session().spec().describe(), ctx.config.lock_timeout};
  check_preconditions(target, plan);
  if (f.dry_run) {
    print(f.format == "json" ? plan_json(plan, pc).dump(2) + "\n" : render_plan_sql(plan, pc));
    return 0;
  }
  RunSettings settings;
  settings.lock_timeout = ctx.config.lock_timeout;
  settings.retries = f.retries >= 0 ? f.retries : ctx.config.retries;
  settings.rehearse = f.rehearse;
  auto line_open = std::make_shared<bool>(false);
  settings.on_progress = progress_printer(ctx.progress, line_open);
  settings.interrupted = [] { return static_cast<int>(g_signal); };
  g_signal = 0;
  RunReport report;
  {
    StopSignals signals;
    Runner runner(target, settings);
    report = runner.run(plan);
  }
  if (*line_open) std::fputs("\n", stderr);
  print(f.format == "json" ? run_json(plan, report, f.rehearse).dump(2) + "\n"
                           : render_run_text(plan, report, f.rehearse, ctx.color));
  if (report.interrupted) {
    spdlog::warn("interrupted: progress saved at {}; rerun `tide {}` to resume", report.stopped_at,
                 plan.command);
    return 128 + report.interrupted;
  }
  if (report.ok()) return 0;
  for (const auto& r : report.results) {
    if (r.precondition) return static_cast<int>(ExitCode::kValidation);
  }
  return static_cast<int>(ExitCode::kFailed);
}

}  // namespace tide::cli
