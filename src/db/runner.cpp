// Transactional and statement-by-statement steps. Every step's record change commits with
// its SQL; a statement-by-statement step is marked `failed` before it starts and only
// marked done after its last statement, so a crash in between is never mistaken for success.
#include "tide/db/runner.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <random>
#include <thread>

#include "tide/db/preconditions.hpp"
#include "tide/error.hpp"
#include "tide/util/log_fields.hpp"

namespace tide {
namespace {

using Clock = std::chrono::steady_clock;
constexpr int kMaxReconnectsPerStep = 10;
// The start of the error a transaction:false step is marked `failed` with before it runs.
constexpr char kInterruptedMark[] = "interrupted during";

long long ms_since(Clock::time_point start) {
  return std::chrono::duration_cast<Millis>(Clock::now() - start).count();
}

RunObserver& quiet() {
  static RunObserver none;
  return none;
}

}  // namespace

std::string statement_error(const Migration& m, const Statement* st, const std::exception& e) {
  std::string message;
  const auto* db = dynamic_cast<const DatabaseError*>(&e);
  if (db && db->failure() == DbFailure::kConnection && db->sqlstate().empty()) {
    // libpqxx loses the server's last words when the session ends mid-statement (its message
    // is "Could not obtain client encoding: not connected."): say what the client saw.
    message =
        "the database session ended while this statement ran (SQLSTATE 08006, connection "
        "failure): it was terminated (pg_terminate_backend, an idle or statement timeout), the "
        "server restarted or failed over, or the network dropped";
  } else if (db) {
    message = db->detail();
    if (!db->sqlstate().empty()) message += fmt::format(" (SQLSTATE {})", db->sqlstate());
  } else {
    message = e.what();
    if (const size_t nl = message.find('\n'); nl != std::string::npos) message.resize(nl);
  }
  return st ? fmt::format("{}:{}: {}", m.path, st->line, message)
            : fmt::format("{}: {}", m.path, message);
}

Plan plan_with_reconnects(Target& target,
                          const std::function<Plan(const std::vector<Record>&)>& make,
                          RunObserver* observer) {
  RunObserver& told = observer ? *observer : quiet();
  for (int lost = 0;; ++lost) {
    try {
      return make(lost == 0 ? target.records() : target.reconnect());
    } catch (const DatabaseError& e) {
      if (!e.reconnectable() || Target::is_guard_error(e) || lost >= kMaxReconnectsPerStep) throw;
      told.reconnecting("before the first step", e.what());
    }
  }
}

Runner::Runner(Target& target, RunSettings settings, RunObserver* observer)
    : target_(target),
      db_(target.database()),
      history_(target.history()),
      settings_(std::move(settings)),
      observer_(observer ? *observer : quiet()) {
  if (!settings_.sleep) settings_.sleep = [](Millis m) { std::this_thread::sleep_for(m); };
  history_.prepare(db_);
}

Runner::~Runner() = default;

void Runner::transact(const std::function<void()>& body) {
  if (rehearsal_) {
    Savepoint savepoint(db_, "tide_step");
    body();
    savepoint.release();
    return;
  }
  Transaction tx(db_);
  body();
  tx.commit();
}

RunReport Runner::run(const Plan& plan) {
  RunReport report;
  if (settings_.rehearse) {
    rehearsal_ = std::make_unique<Transaction>(db_);
    history_.ensure(db_);
  }
  const Plan* current = &plan;
  // Reconnects since the last step finished: a step that keeps breaking its connection (one
  // that terminates its own backend, say) must not loop for ever.
  int lost_in_a_row = 0;
  for (size_t i = 0; i < current->steps.size();) {
    const Step& s = current->steps[i];
    const LogScope fields(step_fields(s.migration->version.text, phase_name(s.phase)));
    const std::string where = fmt::format("{} {}", s.migration->filename, phase_name(s.phase));
    if (const int sig = settings_.interrupted ? settings_.interrupted() : 0) {
      report.interrupted = sig;
      report.stopped_at = where + " (not started)";
      break;
    }
    StepResult r;
    // An error of tide's own ends the run, but never hides the steps already committed.
    const auto stop = [&](const Error& e) {
      r.step = &s;
      r.outcome = StepResult::Outcome::kFailed;
      r.error = e.what();
      report.results.push_back(r);
      report.stopped_by = e.code();
    };
    try {
      observer_.step_started(s);
      r = run_step(s);
    } catch (const Error& e) {
      stop(e);
      break;
    } catch (const ConnectionLost& lost) {
      if (settings_.rehearse || ++lost_in_a_row > kMaxReconnectsPerStep) {
        r.step = &s;
        r.outcome = StepResult::Outcome::kFailed;
        r.error = settings_.rehearse
                      ? std::string(lost.what())
                      : fmt::format(
                            "{} (the connection broke {} times in a row at this step; "
                            "progress is saved)",
                            lost.what(), lost_in_a_row);
        observer_.step_finished(r);
        report.results.push_back(r);
        break;
      }
      observer_.reconnecting(where, lost.what());
      // A step that ran to its end is done; the plan goes on after it.
      const size_t from = lost.ran ? i + 1 : i;
      Plan rest;
      rest.command = current->command;
      rest.steps.assign(current->steps.begin() + static_cast<std::ptrdiff_t>(from),
                        current->steps.end());
      try {
        std::vector<Record> records = target_.reconnect();
        if (lost.ran) {
          records = record_after_reconnect(*lost.ran, std::move(records));
          observer_.step_finished(*lost.ran);
          report.results.push_back(*lost.ran);
        }
        report.replans.push_back(replan(rest, records));
      } catch (const DatabaseError&) {
        throw;
      } catch (const Error& e) {
        if (e.code() != ExitCode::kFailed) {
          stop(e);
          break;
        }
        r.step = &s;
        r.outcome = StepResult::Outcome::kFailed;
        r.error = fmt::format("{}; progress is saved: rerun `tide {}` to resume", e.what(),
                              to_string(plan.command));
        observer_.step_finished(r);
        report.results.push_back(r);
        break;
      }
      current = &report.replans.back();
      if (const size_t gone = rest.steps.size() - current->steps.size()) {
        report.done_elsewhere += gone;
        observer_.done_elsewhere(gone);
      }
      i = 0;
      continue;
    }
    lost_in_a_row = 0;
    observer_.step_finished(r);
    report.results.push_back(r);
    if (r.outcome == StepResult::Outcome::kInterrupted) {
      report.interrupted = settings_.interrupted();
      report.stopped_at = r.error;
      break;
    }
    if (r.outcome == StepResult::Outcome::kFailed && !settings_.rehearse) break;
    ++i;
  }
  if (rehearsal_) {
    rehearsal_->rollback();  // a rehearsal whose connection broke was rolled back by the server
    rehearsal_.reset();
  }
  return report;
}

StepResult Runner::run_step(const Step& s) {
  if (settings_.rehearse && !s.transactional()) {
    StepResult r;
    r.step = &s;
    r.outcome = StepResult::Outcome::kNotRehearsed;
    return r;
  }
  if (s.phase == Phase::kBackfill) return run_backfill(s);
  if (s.section->transactional) return run_in_transaction(s);
  return run_one_by_one(s);
}

// Runs fn(); on a lock timeout retries with exponential backoff and jitter. Other errors
// propagate to the caller.
void Runner::with_retries(const Step& s, int& attempts, const std::function<void()>& fn) {
  static thread_local std::mt19937 rng{std::random_device{}()};
  for (attempts = 1;; ++attempts) {
    try {
      fn();
      return;
    } catch (const DatabaseError& e) {
      if (e.failure() != DbFailure::kLockTimeout || attempts > settings_.retries) throw;
      const double base =
          static_cast<double>(settings_.retry_base.count()) * (1 << std::min(attempts - 1, 6));
      const auto pause = Millis(static_cast<long long>(
          std::min(30000.0, base * std::uniform_real_distribution<double>(0.5, 1.5)(rng))));
      observer_.retrying(s, attempts, settings_.retries + 1, pause, e.sqlstate());
      settings_.sleep(pause);
    }
  }
}

// The step's record change and its history entry, in one statement (one round trip).
void Runner::record_success(const Step& s, long long ms) {
  const Migration& m = *s.migration;
  const std::string action = phase_name(s.phase);
  switch (s.phase) {
    case Phase::kExpand:
    case Phase::kBackfill:
      history_.save_and_log(db_, m, s.state_after, Phase::kExpand, ms,
                            s.state_after != State::kBackfilling, action, s.state_before);
      break;
    case Phase::kContract:
      history_.save_and_log(db_, m, s.state_after, Phase::kContract, ms, true, action,
                            s.state_before);
      break;
    case Phase::kDown:
      history_.remove_and_log(db_, m, action, s.state_before, s.state_after, ms);
      break;
  }
}

// Inside a catch block: the error of step `s` as a failed result, or, when the connection
// broke (and a reconnect may help) or the session moved, the exception that says so.
void Runner::fail(StepResult& r, const Step& s, const Statement* current) {
  try {
    throw;
  } catch (const DatabaseError& e) {
    if (Target::is_guard_error(e)) throw target_.session_moved();
    if (e.reconnectable() && !settings_.rehearse) {
      throw ConnectionLost(statement_error(*s.migration, current, e));
    }
    r.outcome = StepResult::Outcome::kFailed;
    r.error = statement_error(*s.migration, current, e);
  } catch (const Error& e) {
    r.outcome = StepResult::Outcome::kFailed;
    r.error = e.what();
    r.precondition = e.code() == ExitCode::kValidation;
  } catch (const std::exception& e) {
    r.outcome = StepResult::Outcome::kFailed;
    r.error = statement_error(*s.migration, current, e);
  }
}

namespace {

// The keyed backfills of the expand's migration, checked in the expand's transaction before it
// commits: the expand may have created their table or key, and a problem rolls it back.
void check_backfills_of(Database& db, const Step& expand) {
  for (const Section& sec : expand.migration->backfills) {
    if (!sec.keyed()) continue;
    Step backfill = expand;
    backfill.section = &sec;
    backfill.phase = Phase::kBackfill;
    const BackfillKey key = backfill_key(db, backfill);
    if (!key.problem.empty()) throw validation_error(key.problem);
  }
}

}  // namespace

StepResult Runner::run_in_transaction(const Step& s) {
  StepResult r;
  r.step = &s;
  const auto start = Clock::now();
  const Statement* current = nullptr;
  try {
    with_retries(s, r.attempts, [&] {
      transact([&] {
        // The guard and the SET LOCALs travel with the first statement (one simple query,
        // inside the transaction already begun): one round trip fewer per step, same effect.
        std::string settings = target_.guard_sql() + ";\n";
        for (const auto& set :
             timeout_settings(*s.section, settings_.lock_timeout, SettingScope::kTransaction)) {
          settings += set + ";\n";
        }
        for (const Statement& st : s.section->statements) {
          current = &st;
          db_.exec(settings + st.sql);
          settings.clear();
        }
        current = nullptr;
        if (!settings.empty()) db_.exec(settings);
        if (s.phase == Phase::kExpand) check_backfills_of(db_, s);
        record_success(s, ms_since(start));
      });
    });
  } catch (const std::exception&) {
    fail(r, s, current);
  }
  r.ms = ms_since(start);
  return r;
}

StepResult Runner::run_one_by_one(const Step& s) {
  StepResult r;
  r.step = &s;
  const Migration& m = *s.migration;
  const auto start = Clock::now();
  try {
    Transaction tx(db_);
    db_.exec(target_.guard_sql());
    history_.mark_failed(db_, m, s.state_before,
                         fmt::format("{} {} (transaction:false): check the schema",
                                     kInterruptedMark, phase_name(s.phase)));
    tx.commit();
  } catch (const DatabaseError& e) {
    if (Target::is_guard_error(e)) throw target_.session_moved();
    if (e.reconnectable()) throw ConnectionLost(statement_error(m, nullptr, e));
    throw;
  }
  const Statement* current = nullptr;
  try {
    for (const auto& set :
         timeout_settings(*s.section, settings_.lock_timeout, SettingScope::kSession)) {
      db_.exec(set);
    }
    for (const Statement& st : s.section->statements) {
      current = &st;
      int attempts = 0;
      with_retries(s, attempts, [&] { db_.exec(st.sql); });
      r.attempts = std::max(r.attempts, attempts);
    }
    current = nullptr;
    for (const auto& reset : reset_timeouts(*s.section)) db_.exec(reset);
  } catch (const std::exception& e) {
    r.outcome = StepResult::Outcome::kFailed;
    r.error = statement_error(m, current, e);
    r.ms = ms_since(start);
    try {
      Transaction tx(db_);
      history_.mark_failed(db_, m, s.state_before, r.error);
      history_.log(db_, m.version, m.name, phase_name(s.phase), s.state_before, State::kFailed,
                   r.ms, r.error);
      tx.commit();
    } catch (const std::exception& e2) {
      const auto* db = dynamic_cast<const DatabaseError*>(&e2);
      observer_.not_recorded(s, db ? db->text() : std::string(e2.what()));
    }
    return r;
  }
  r.ms = ms_since(start);
  try {
    Transaction tx(db_);
    record_success(s, r.ms);
    tx.commit();
  } catch (const std::exception& e) {
    const auto* db = dynamic_cast<const DatabaseError*>(&e);
    if (db && db->reconnectable() && !Target::is_guard_error(*db)) {
      // Every statement ran; only the record of it went with the connection. Runner::run
      // reconnects and records it (record_after_reconnect), so it is not left `failed`.
      ConnectionLost lost(statement_error(m, nullptr, e));
      lost.ran = r;
      throw lost;
    }
    // Every statement ran, but the record still says `failed`: the operator checks and repairs.
    r.outcome = StepResult::Outcome::kFailed;
    r.error = statement_error(m, nullptr, e) +
              " (every statement of the transaction:false section ran, but its success could not "
              "be recorded: check the schema, then `tide repair`)";
  }
  return r;
}

std::vector<Record> Runner::record_after_reconnect(const StepResult& ran,
                                                   std::vector<Record> records) {
  const Step& s = *ran.step;
  const auto it = std::find_if(records.begin(), records.end(), [&](const Record& r) {
    return r.version.text == s.migration->version.text;
  });
  // The mark run_one_by_one committed before the statements ran: still there unless the
  // success's COMMIT went through as the connection dropped.
  if (it == records.end() || it->state != State::kFailed ||
      it->error.rfind(kInterruptedMark, 0) != 0) {
    return records;
  }
  Transaction tx(db_);
  db_.exec(target_.guard_sql());
  record_success(s, ran.ms);
  tx.commit();
  return target_.records();
}

}  // namespace tide
