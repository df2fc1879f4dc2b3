// Carrying out a Plan against the database: transactions, lock-timeout retries,
// statement-by-statement sections, batched backfills and rehearsals.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "tide/db/connection.hpp"
#include "tide/db/history.hpp"
#include "tide/plan.hpp"

namespace tide {

struct BackfillProgress {
  const Step* step = nullptr;
  long long rows = 0;
  long long estimated_total = -1;  // from the planner's statistics (keyed backfills); -1 unknown
  double elapsed_s = 0;
  std::string last_key;
  bool done = false;
};

struct RunSettings {
  Millis lock_timeout{5000};  // for sections without their own lock_timeout
  int retries = 5;            // retries after the first try, on lock timeouts and lost connections
  Millis retry_base{500};     // first backoff; doubles each retry, with jitter
  bool rehearse = false;      // run transactional steps in one transaction, rolled back at the end
  std::function<void(const BackfillProgress&)> on_progress;
  std::function<void()> on_reconnect;  // after a reconnect: take the migration lock again
};

struct StepResult {
  enum class Outcome { kDone, kFailed, kNotRehearsed };
  const Step* step = nullptr;
  Outcome outcome = Outcome::kDone;
  long long ms = 0;
  int attempts = 1;
  long long rows = -1;  // backfills: rows changed
  std::string error;    // file:line: message
};

struct RunReport {
  std::vector<StepResult> results;
  bool ok() const;
};

class Runner {
 public:
  Runner(Session& session, const History& history, RunSettings settings);
  // Runs the steps in order and stops at the first failure.
  RunReport run(const Plan& plan);

 private:
  StepResult run_in_transaction(const Step& s);
  StepResult run_one_by_one(const Step& s);
  StepResult run_backfill(const Step& s);
  void record_success(pqxx::transaction_base& tx, const Step& s, long long ms);
  void with_retries(const Step& s, int& attempts, const std::function<void()>& fn);
  // Runs body in a transaction that commits; when rehearsing, in a savepoint of the one
  // rehearsal transaction instead, so later steps see earlier ones and nothing persists.
  void transact(const std::function<void(pqxx::transaction_base&)>& body);
  std::unique_ptr<pqxx::work> rehearsal_;

  Session& session_;
  const History& history_;
  RunSettings settings_;
};

// "file:line: message" for a statement that failed (the server's first line, without "ERROR:").
std::string statement_error(const Migration& m, const Statement* st, const std::exception& e);
bool is_lock_timeout(const std::exception& e);

}  // namespace tide
