// What a backfill step knows before its first batch, shared by the one-session loop
// (backfill.cpp) and the parallel one (backfill_parallel.cpp).
#pragma once

#include <chrono>
#include <optional>
#include <string>

#include "tide/db/backfill_sql.hpp"
#include "tide/db/backfill_throttle.hpp"
#include "tide/db/runner.hpp"

namespace tide {

struct BackfillRun {
  using Clock = std::chrono::steady_clock;
  const Step* step = nullptr;
  Clock::time_point start = Clock::now();
  KeyedWalk walk;           // keyed backfills only
  std::string meta;         // the metadata table, quoted
  std::string ranges;       // its "<table>_backfill" companion, quoted (parallel progress)
  bool has_ranges = false;  // finished ranges of this section are recorded there
  int workers = 1;
  bool writeback = false;  // batches SET LOCAL backend_flush_after (writeback_probe_sql())
  std::optional<std::string> last_key;  // the low-water mark: every key up to it is done
  long long rows = 0;
  Throttle throttle{Millis(0), Millis(0)};
  BackfillProgress progress;

  double elapsed_s() const { return std::chrono::duration<double>(Clock::now() - start).count(); }
  long long elapsed_ms() const {
    return std::chrono::duration_cast<Millis>(Clock::now() - start).count();
  }
};

}  // namespace tide
