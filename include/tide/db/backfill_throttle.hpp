// Replica-lag throttling of backfills: before each batch, the lag of every streaming standby
// (pg_stat_replication.replay_lag; on Aurora, aurora_replica_status()); while any lags more
// than the limit, the backfill pauses, for at most max_throttle in total.
#pragma once

#include <functional>
#include <string>

#include "tide/db/database.hpp"
#include "tide/util/duration.hpp"

namespace tide {

// The query that returns one row per replica: its name and its lag in seconds (0 when the
// server has measured none, e.g. a standby that is idle and caught up).
std::string replica_lag_sql(bool aurora);

// "throttled: replica lag 7.2 s > 5 s"
std::string throttle_message(double lag_s, Millis limit);

class Throttle {
 public:
  Throttle(Millis max_lag, Millis max_total) : max_lag_(max_lag), max_total_(max_total) {}
  bool enabled() const { return max_lag_.count() > 0; }

  // Pauses while a replica lags more than the limit; show(message) is called on every look
  // while paused, and once with "" when the pause ends; note(line, released) at most every
  // 10 s while paused (which standby, how long so far) and once when released. Returns "" to
  // go on, or why to stop: max_throttle used up (progress is the caller's to save), or a
  // signal (`interrupted`).
  std::string wait(Database& db, const std::function<void(const std::string&)>& show,
                   const std::function<void(const std::string&, bool)>& note,
                   const std::function<int()>& interrupted);
  Millis paused() const { return paused_; }

 private:
  // The largest lag now (seconds) and which replica has it.
  double worst_lag(Database& db, std::string& replica);

  Millis max_lag_;
  Millis max_total_;
  Millis paused_{0};
  int aurora_ = -1;  // unknown until the first look
};

}  // namespace tide
