// What a run did, as plain data: each step's outcome, backfill progress, where an interrupted
// run stopped. The runner fills it; the report renders it (no database types here).
#pragma once

#include <cstddef>
#include <list>
#include <optional>
#include <string>
#include <vector>

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
  int interrupted = 0;     // the signal that stopped the run, or 0
  std::string stopped_at;  // where the run stopped, for "progress saved at …"
  // Set when an error of tide's own (a record found `failed` on a re-plan, the session moved,
  // the lock lost to another runner) stopped the run: its exit code. The results before it
  // are still reported.
  std::optional<ExitCode> stopped_by;
  std::list<Plan> replans;  // the plans made after reconnects (results point into them)
};

}  // namespace tide
