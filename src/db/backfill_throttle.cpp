// Replica-lag throttling. A standby that falls seconds behind breaks the reads it serves even
// when no lock is held, so a backfill waits for it: gh-ost and pgroll watch their replicas too.
#include "tide/db/backfill_throttle.hpp"

#include <fmt/format.h>

#include <chrono>
#include <thread>

namespace tide {

std::string replica_lag_sql(bool aurora) {
  if (aurora) {
    return "SELECT server_id::text, coalesce(replica_lag_in_msec, 0)::float8 / 1000 "
           "FROM aurora_replica_status() WHERE session_id <> 'MASTER_SESSION_ID'";
  }
  return "SELECT coalesce(nullif(application_name, ''), client_addr::text, pid::text), "
         "coalesce(extract(epoch FROM replay_lag), 0)::float8 "
         "FROM pg_stat_replication WHERE state = 'streaming'";
}

std::string throttle_message(double lag_s, Millis limit) {
  return fmt::format("throttled: replica lag {:.1f} s > {}", lag_s,
                     limit.count() % 1000 == 0 ? fmt::format("{} s", limit.count() / 1000)
                                               : fmt::format("{:g} s", limit.count() / 1000.0));
}

double Throttle::worst_lag(Database& db, std::string& replica) {
  if (aurora_ < 0) {
    aurora_ = db.exec("SELECT to_regproc('aurora_replica_status') IS NOT NULL").as_bool(0, 0);
  }
  double worst = 0;
  const SqlResult rows = db.exec(replica_lag_sql(aurora_ == 1));
  for (size_t i = 0; i < rows.size(); ++i) {
    const double lag = std::stod(rows.text(i, 1));
    if (lag > worst) {
      worst = lag;
      replica = rows.is_null(i, 0) ? "?" : rows.text(i, 0);
    }
  }
  return worst;
}

std::string Throttle::wait(Database& db, const std::function<void(const std::string&)>& show,
                           const std::function<void(const std::string&, bool)>& note,
                           const std::function<int()>& interrupted) {
  if (!enabled()) return "";
  using Clock = std::chrono::steady_clock;
  const double limit_s = static_cast<double>(max_lag_.count()) / 1000;
  const auto began = Clock::now();
  const Millis before = paused_;
  auto last_log = began - std::chrono::seconds(60);
  bool was_paused = false;
  while (true) {
    std::string replica;
    const double lag = worst_lag(db, replica);
    if (lag <= limit_s) break;
    const std::string message = throttle_message(lag, max_lag_);
    paused_ = before + std::chrono::duration_cast<Millis>(Clock::now() - began);
    if (Clock::now() - last_log >= std::chrono::seconds(10)) {
      if (note) {
        note(fmt::format("{} (standby {}); paused {} of max_throttle {}", message, replica,
                         format_duration(paused_), format_duration(max_total_)),
             false);
      }
      last_log = Clock::now();
    }
    was_paused = true;
    if (show) show(message);
    if (paused_ >= max_total_) {
      return fmt::format(
          "replica lag stayed over max_replica_lag {} (standby {}: {:.1f} s) for max_throttle {} "
          "in total: stopped, progress saved",
          format_duration(max_lag_), replica, lag, format_duration(max_total_));
    }
    if (interrupted && interrupted()) return "interrupted";
    const Millis left = max_total_ - paused_;
    std::this_thread::sleep_for(std::min(Millis(250), left));
  }
  if (was_paused) {
    if (note) {
      note(fmt::format("throttle released after {} (total paused {})",
                       format_duration(std::chrono::duration_cast<Millis>(Clock::now() - began)),
                       format_duration(paused_)),
           true);
    }
    if (show) show("");
  }
  return "";
}

}  // namespace tide
