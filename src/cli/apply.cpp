// Carrying out a plan for a command and showing what happened.
#include "apply.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <unistd.h>

#include <chrono>
#include <csignal>
#include <cstdio>

#include "logging.hpp"
#include "tide/db/preconditions.hpp"
#include "tide/db/runner.hpp"
#include "tide/error.hpp"
#include "tide/report/report.hpp"
#include "tide/util/log_fields.hpp"

namespace tide::cli {
namespace {

// SIGINT / SIGTERM: the run stops after the step or batch under way (the runner asks between
// them). The handler resets itself, so a second signal stops tide at once (the server rolls
// back the transaction under way; the record stays what it was).
volatile std::sig_atomic_t g_signal = 0;

extern "C" void on_stop_signal(int sig) {
  g_signal = sig;
  end_progress_line();  // async-signal-safe
  static const char kMessage[] =
      "tide: stopping after the current step or batch (interrupt again to stop at once)\n";
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

// Backfill progress: a live line on a terminal (fitted to its width, ended when the backfill
// is), a log line every 10 s elsewhere, with rows and ms as fields for JSON logs.
std::function<void(const BackfillProgress&)> progress_printer(bool terminal) {
  auto last_log = std::make_shared<std::chrono::steady_clock::time_point>(
      std::chrono::steady_clock::now());  // the first line after 10 s, or at the end
  return [terminal, last_log](const BackfillProgress& p) {
    if (terminal) {
      show_progress_line(render_progress(p, terminal_width() - 1));
      if (p.done) end_progress_line();
      return;
    }
    const auto now = std::chrono::steady_clock::now();
    if (p.done || now - *last_log > std::chrono::seconds(10)) {
      LogFields fields;
      fields.version = p.step->migration->version.text;
      fields.phase = phase_name(p.step->phase);
      fields.rows = p.rows;
      fields.ms = static_cast<long long>(p.elapsed_s * 1000);
      const LogScope scope(fields);
      spdlog::info("{}", render_progress(p, 0) + (p.done ? " (done)" : ""));
      *last_log = now;
    }
  };
}

// What a run shows as it goes: log lines (retries, reconnects, resumed backfills) and backfill
// progress. The step results are logged after the run (log_results), with the report.
class RunLog : public RunObserver {
 public:
  explicit RunLog(bool terminal) : progress_(progress_printer(terminal)) {}
  void retrying(const Step& s, int attempt, int tries, Millis pause,
                const std::string& sqlstate) override {
    const LogScope fields(sqlstate_field(sqlstate));
    spdlog::warn(
        "{} {}: lock timeout (try {} of {}); another session holds a conflicting lock; "
        "retrying in {}",
        s.migration->filename, phase_name(s.phase), attempt, tries, format_duration(pause));
  }
  void reconnecting(const std::string& where, const std::string& why) override {
    spdlog::warn("{}: lost the connection or the server turned read-only ({}); reconnecting", where,
                 why);
  }
  void done_elsewhere(size_t gone) override {
    spdlog::warn(
        "after reconnecting, {} step{} recorded done meanwhile (by another runner, or by a "
        "commit that went through as the connection dropped): not run again",
        gone, gone == 1 ? " is" : "s are");
  }
  void resuming(const Step& s, long long rows, const std::optional<std::string>& after,
                bool ranges_above) override {
    spdlog::info("{} backfill: resuming after {} rows{}{}", s.migration->filename, rows,
                 after ? " (after key " + *after + ")" : "",
                 ranges_above ? " and the ranges finished above it" : "");
  }
  void worker_reconnecting(const Step& s, const std::string& why) override {
    spdlog::warn("{} backfill worker: lost its connection ({}); reconnecting",
                 s.migration->filename, why);
  }
  void progress(const BackfillProgress& p) override { progress_(p); }
  void throttled(const Step&, const std::string& note, bool released) override {
    spdlog::log(released ? spdlog::level::info : spdlog::level::warn, "backfill {}", note);
  }
  void not_recorded(const Step& s, const std::string& why) override {
    spdlog::error("could not record the failure of {}: {}", s.migration->filename, why);
  }

 private:
  std::function<void(const BackfillProgress&)> progress_;
};

// Each step's outcome as a log event with its fields: info (error for a failure) in JSON logs,
// where a log processor has no other view of it; debug in text logs, as the result table on
// stdout already shows it.
void log_results(const RunReport& report, bool json_logs) {
  const auto level = json_logs ? spdlog::level::info : spdlog::level::debug;
  const auto failure = json_logs ? spdlog::level::err : spdlog::level::debug;
  for (const StepResult& r : report.results) {
    LogFields fields;
    fields.version = r.step->migration->version.text;
    fields.phase = phase_name(r.step->phase);
    fields.ms = r.ms;
    fields.rows = r.rows;
    fields.sqlstate = sqlstate_of(r.error);
    const LogScope scope(fields);
    if (r.outcome == StepResult::Outcome::kFailed) {
      spdlog::log(failure, "{}", r.error);
    } else {
      spdlog::log(level, "{} {}: {}", r.step->migration->filename, phase_name(r.step->phase),
                  r.outcome == StepResult::Outcome::kDone ? "done" : "not rehearsed");
    }
  }
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

Needs apply_needs(Needs row, const ApplyFlags& f) {
  if (f.dry_run) return {row.files, DbAccess::kReadOnly, Lock::kNone};
  if (f.rehearse) row.database = DbAccess::kRehearse;
  return row;
}

OutOfOrder out_of_order(bool allow_flag, const Config& config) {
  return allow_flag || config.out_of_order ? OutOfOrder::allow : OutOfOrder::refuse;
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
    Transaction tx(target.database());
    problems = check_up_front(target.database(), checks);
  }
  if (problems.empty()) return;
  std::string list;
  for (const auto& p : problems) list += "\n  " + p;
  throw validation_error(
      fmt::format("cannot run {}: {} problem{} found before changing anything:{}",
                  to_string(plan.command), problems.size(), problems.size() == 1 ? "" : "s", list));
}

Plan plan_run(const Context& ctx, Target& target,
              const std::function<Plan(const std::vector<Record>&)>& make) {
  RunLog log(ctx.progress);
  return plan_with_reconnects(
      target,
      [&](const std::vector<Record>& records) {
        Plan plan = make(records);
        check_preconditions(target, plan);
        return plan;
      },
      &log);
}

int apply_plan(const Context& ctx, Target& target, const Plan& plan, const ApplyFlags& f) {
  PlanContext pc{target.describe(), ctx.config.lock_timeout, {}};
  if (f.dry_run) {
    pc.locks = lock_notes(ctx, target.session(), plan);
    print(f.format == "json" ? plan_json(plan, pc).dump(2) + "\n" : render_plan_sql(plan, pc));
    return 0;
  }
  RunSettings settings;
  settings.lock_timeout = ctx.config.lock_timeout;
  settings.retries = f.retries >= 0 ? f.retries : ctx.config.retries;
  settings.rehearse = f.rehearse;
  settings.workers = ctx.config.backfill_workers;
  settings.max_replica_lag = ctx.config.max_replica_lag;
  settings.max_throttle = ctx.config.max_throttle;
  settings.reconnect_timeout = ctx.config.reconnect_timeout;
  settings.interrupted = [] { return static_cast<int>(g_signal); };
  g_signal = 0;
  RunReport report;
  {
    StopSignals signals;
    RunLog log(ctx.progress);
    Runner runner(target, settings, &log);
    report = runner.run(plan);
  }
  end_progress_line();
  log_results(report, ctx.global.log_format == "json");
  const Rehearsal rehearsal = f.rehearse ? Rehearsal::yes : Rehearsal::no;
  print(f.format == "json" ? run_json(plan, report, rehearsal).dump(2) + "\n"
                           : render_run_text(plan, report, rehearsal, ctx.color));
  if (report.interrupted) {
    spdlog::warn("interrupted: progress saved at {}; rerun `tide {}` to resume", report.stopped_at,
                 to_string(plan.command));
    return 128 + report.interrupted;
  }
  if (report.stopped_by) return static_cast<int>(*report.stopped_by);
  if (report.ok()) return 0;
  for (const auto& r : report.results) {
    if (r.precondition) return static_cast<int>(ExitCode::kValidation);
  }
  return static_cast<int>(ExitCode::kFailed);
}

}  // namespace tide::cli
