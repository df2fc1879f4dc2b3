// Carrying out a Plan against the database: transactions, lock-timeout retries,
// statement-by-statement sections, batched backfills and rehearsals.
#pragma once

#include <functional>
#include <list>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "tide/db/connection.hpp"
#include "tide/db/history.hpp"
#include "tide/db/target.hpp"
#include "tide/error.hpp"
#include "tide/plan/plan.hpp"

namespace tide {

struct BackfillProgress {
  const Step* step = nullptr;
  long long rows = 0;
  long long estimated_total = -1;  // from the planner's statistics (keyed backfills); -1 unknown
  double elapsed_s = 0;
  std::string last_key;
  int workers = 1;
  std::string throttled;  // "throttled: replica lag 7.2 s > 5 s" while paused, else empty
  bool done = false;
};

struct RunSettings {
  Millis lock_timeout{5000};  // for sections without their own lock_timeout
  int retries = 5;            // retries after the first try, on lock timeouts
  Millis retry_base{500};     // first backoff; doubles each retry, with jitter
  bool rehearse = false;      // run transactional steps in one transaction, rolled back at the end
  int workers = 1;            // keyed backfills without workers: on their marker
  Millis max_replica_lag{0};  // backfills pause while a standby lags more (0: off) …
  Millis max_throttle{600000};  // … for at most this long in total, then stop (progress saved)
  Millis reconnect_timeout{120000};  // how long a backfill worker keeps reconnecting
  std::function<void(const BackfillProgress&)> on_progress;
  // The signal (SIGINT, SIGTERM) that asked the run to stop, or 0. Checked between steps and
  // between backfill batches: the step or batch under way finishes first.
  std::function<int()> interrupted;
};

struct BackfillRun;

struct StepResult {
  enum class Outcome { kDone, kFailed, kNotRehearsed, kInterrupted };
  const Step* step = nullptr;
  Outcome outcome = Outcome::kDone;
  long long ms = 0;
  int attempts = 1;
  long long rows = -1;        // backfills: rows changed
  std::string error;          // file:line: message
  bool precondition = false;  // failed because the database does not fit the file (exit 3)
};

struct RunReport {
  std::vector<StepResult> results;
  bool ok() const;
  // Steps of the plan that a re-plan after a reconnect found recorded done (by another runner,
  // or by a commit that went through as the connection dropped): not run again.
  size_t done_elsewhere = 0;
  int interrupted = 0;     // the signal that stopped the run, or 0
  std::string stopped_at;  // where the run stopped, for "progress saved at …"
  // Set when an error of tide's own (a record found `failed` on a re-plan, the session moved,
  // the lock lost to another runner) stopped the run: its exit code. The results before it
  // are still reported.
  std::optional<ExitCode> stopped_by;
  std::list<Plan> replans;  // the plans made after reconnects (results point into them)
};

// Thrown by a step whose connection broke (reconnectable): Runner::run reconnects through
// Target::reconnect() and re-plans the rest from the records.
struct ConnectionLost : std::runtime_error {
  using std::runtime_error::runtime_error;
};

class Runner {
 public:
  Runner(Target& target, RunSettings settings);
  // Runs the steps in order and stops at the first failure or interruption. After a lost
  // connection it reconnects (lock taken again), re-reads the records and re-plans the rest.
  RunReport run(const Plan& plan);

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
  void finish_backfill(pqxx::transaction_base& tx, const BackfillRun& run);
  // Pauses for replica lag before a batch: "" to go on, else why the backfill stops.
  std::string throttle(BackfillRun& run, pqxx::connection& conn);
  // A backfill's exception as its result (`current`: the statement that ran), or rethrown as
  // what Runner::run handles: ConnectionLost, or the exit-2 error of a session that moved.
  // A backfill that stops with its progress saved: "interrupted" (a signal), or why (throttled
  // too long: a failure, exit 1).
  StepResult stopped(const BackfillRun& run, const std::string& why);
  StepResult backfill_failed(const BackfillRun& run, const Statement* current,
                             const std::exception& e);
  void record_success(pqxx::transaction_base& tx, const Step& s, long long ms);
  void with_retries(const Step& s, int& attempts, const std::function<void()>& fn);
  // Runs body in a transaction that commits; when rehearsing, in a savepoint of the one
  // rehearsal transaction instead, so later steps see earlier ones and nothing persists.
  void transact(const std::function<void(pqxx::transaction_base&)>& body);
  std::unique_ptr<pqxx::work> rehearsal_;

  Target& target_;
  Session& session_;
  const History& history_;
  RunSettings settings_;
};

// "file:line: message" for a statement that failed (the server's first line, without "ERROR:").
std::string statement_error(const Migration& m, const Statement* st, const std::exception& e);
bool is_lock_timeout(const std::exception& e);

}  // namespace tide
