// What a run did, as plain data: each step's outcome, backfill progress, where an interrupted
// run stopped. The runner fills it; the report renders it (no database types here).
#pragma once

#include <cstddef>
#include <list>
#include <string>
#include <vector>

#include "tide/plan/plan.hpp"

namespace tide {

struct BackfillProgress {
  const Step* step = nullptr;
  long long rows = 0;
  long long estimated_total = -1;  // from the planner's statistics (keyed backfills); -1 unknown
  double elapsed_s = 0;
  std::string last_key;
  bool done = false;
};

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
  bool ok() const {
    for (const auto& r : results) {
      if (r.outcome == StepResult::Outcome::kFailed) return false;
    }
    return true;
  }
  // Steps of the plan that a re-plan after a reconnect found recorded done (by another runner,
  // or by a commit that went through as the connection dropped): not run again.
  size_t done_elsewhere = 0;
  int interrupted = 0;      // the signal that stopped the run, or 0
  std::string stopped_at;   // where the run stopped, for "progress saved at …"
  std::list<Plan> replans;  // the plans made after reconnects (results point into them)
};

}  // namespace tide
