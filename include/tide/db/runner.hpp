// Carrying out a Plan against the database: transactions, lock-timeout retries,
// statement-by-statement sections, batched backfills and rehearsals. Every statement goes
// through the Database of the Target (tide/db/database.hpp), so unit tests drive the runner
// with a fake; what happens along the way goes to a RunObserver, never to a log.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>

#include "tide/db/database.hpp"
#include "tide/db/history.hpp"
#include "tide/db/target.hpp"
#include "tide/error.hpp"
#include "tide/plan/plan.hpp"
#include "tide/plan/run_result.hpp"

namespace tide {

struct RunSettings {
  Millis lock_timeout{5000};  // for sections without their own lock_timeout
  int retries = 5;            // retries after the first try, on lock timeouts
  Millis retry_base{500};     // first backoff; doubles each retry, with jitter
  bool rehearse = false;      // run transactional steps in one transaction, rolled back at the end
  int workers = 1;            // keyed backfills without workers: on their marker
  Millis max_replica_lag{0};  // backfills pause while a standby lags more (0: off) …
  Millis max_throttle{600000};  // … for at most this long in total, then stop (progress saved)
  Millis reconnect_timeout{120000};  // how long a backfill worker keeps reconnecting
  // The signal (SIGINT, SIGTERM) that asked the run to stop, or 0. Checked between steps and
  // between backfill batches: the step or batch under way finishes first.
  std::function<int()> interrupted;
  // How the runner waits between tries (std::this_thread::sleep_for; tests record instead).
  std::function<void(Millis)> sleep;
};

struct BackfillRun;

// What a run tells whoever shows it: the CLI logs it and draws progress, tests record it.
// Called on the runner's thread, in order; every method does nothing unless overridden.
class RunObserver {
 public:
  virtual ~RunObserver() = default;
  virtual void step_started(const Step&) {}
  virtual void step_finished(const StepResult&) {}
  // A lock timeout (SQLSTATE 55P03): try `attempt` of `tries` failed; the next in `pause`.
  virtual void retrying(const Step&, int /*attempt*/, int /*tries*/, Millis /*pause*/,
                        const std::string& /*sqlstate*/) {}
  // The connection broke at `where` (or the server turned read-only): reconnecting.
  virtual void reconnecting(const std::string& /*where*/, const std::string& /*why*/) {}
  // After a reconnect, `steps` of the rest of the plan were found recorded done.
  virtual void done_elsewhere(size_t /*steps*/) {}
  // A backfill starts again after `rows` rows (and after key `after_key`, when keyed).
  // (`ranges_above`: and the ranges an earlier parallel run finished above that key.)
  virtual void resuming(const Step&, long long /*rows*/,
                        const std::optional<std::string>& /*after_key*/, bool /*ranges_above*/) {}
  virtual void progress(const BackfillProgress&) {}
  // The replica-lag throttle holds a backfill back: `note` says which standby lags and how long
  // it has paused (at most every 10 s), and, once `released`, how long the pause lasted.
  virtual void throttled(const Step&, const std::string& /*note*/, bool /*released*/) {}
  // A parallel backfill's worker lost its connection and reconnects. Called on the worker's
  // thread (the only method that is).
  virtual void worker_reconnecting(const Step&, const std::string& /*why*/) {}
  // A transaction:false step failed and its failure could not be recorded either.
  virtual void not_recorded(const Step&, const std::string& /*why*/) {}
};

// Thrown by a step whose connection broke (reconnectable): Runner::run reconnects through
// Target::reconnect() and re-plans the rest from the records.
struct ConnectionLost : std::runtime_error {
  using std::runtime_error::runtime_error;
  // A transaction:false step whose statements all ran when the connection broke while its
  // success was being recorded: recorded after the reconnect (unless that COMMIT went through).
  std::optional<StepResult> ran;
};

// The reads before a run's first step (the records, and whatever `make` reads while it checks
// and plans: table sizes for lint, the preconditions), with the same answer to a lost connection
// as a step's: reconnect (taking the lock again) and make the plan again from the records read
// after it. Errors a new connection cannot help propagate.
Plan plan_with_reconnects(Target& target,
                          const std::function<Plan(const std::vector<Record>&)>& make,
                          RunObserver* observer = nullptr);

class Runner {
 public:
  Runner(Target& target, RunSettings settings, RunObserver* observer = nullptr);
  ~Runner();
  // Runs the steps in order and stops at the first failure or interruption. After a lost
  // connection it reconnects (lock taken again), re-reads the records and re-plans the rest.
  RunReport run(const Plan& plan);
  RunReport run(Plan&&) = delete;  // the report's steps point into the plan

 private:
  StepResult run_step(const Step& s);
  StepResult run_in_transaction(const Step& s);
  StepResult run_one_by_one(const Step& s);
  StepResult run_backfill(const Step& s);
  // The batches of a backfill, one session in key order (backfill.cpp), or `workers` sessions
  // on disjoint key ranges (backfill_parallel.cpp). Both return with progress committed.
  StepResult run_batches(BackfillRun& run);
  StepResult run_parallel(BackfillRun& run);
  // The backfill's last transaction: progress moved to the next section (the ranges of this
  // one forgotten) and the step's record change.
  void finish_backfill(const BackfillRun& run);
  // Pauses for replica lag before a batch: "" to go on, else why the backfill stops.
  std::string throttle(BackfillRun& run);
  // What each batch's transaction SETs LOCAL: the section's timeouts, and the writeback.
  std::vector<std::string> batch_settings(const BackfillRun& run) const;
  // A backfill that stops with its progress saved: "interrupted" (a signal), or why (throttled
  // too long: a failure, exit 1).
  StepResult stopped(const BackfillRun& run, const std::string& why);
  // A backfill whose last transaction committed: its result, and the progress shown as done.
  StepResult finished(BackfillRun& run, StepResult r);
  // In a catch block: the backfill's exception as its result (`current`: the statement that
  // ran), or rethrown by fail() as what Runner::run handles (ConnectionLost, a moved session).
  StepResult backfill_failed(const BackfillRun& run, const Statement* current);
  void record_success(const Step& s, long long ms);
  // After a reconnect: records the success of `ran` (a transaction:false step) when its record
  // still holds the `failed` mark it was given before its statements ran; the records after.
  std::vector<Record> record_after_reconnect(const StepResult& ran, std::vector<Record> records);
  void with_retries(const Step& s, int& attempts, const std::function<void()>& fn);
  // Runs body in a transaction that commits; when rehearsing, in a savepoint of the one
  // rehearsal transaction instead, so later steps see earlier ones and nothing persists.
  void transact(const std::function<void()>& body);
  // A step's error as a StepResult failure, or the ConnectionLost / exit-2 error to throw.
  void fail(StepResult& r, const Step& s, const Statement* current);

  Target& target_;
  Database& db_;
  const History& history_;
  RunSettings settings_;
  RunObserver& observer_;
  std::unique_ptr<Transaction> rehearsal_;
};

// "file:line: message" for a statement that failed (the server's first line, without "ERROR:",
// and its SQLSTATE).
std::string statement_error(const Migration& m, const Statement* st, const std::exception& e);

}  // namespace tide
