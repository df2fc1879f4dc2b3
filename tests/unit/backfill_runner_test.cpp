// Unit tests for the keyed backfill loops (src/db/backfill.cpp, one session, and
// src/db/backfill_parallel.cpp, workers:N) against the fake database: a table of keys 1..n
// answers the walk, and every key must be updated exactly once whatever breaks along the way.
#include <catch2/catch.hpp>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <map>
#include <mutex>
#include <thread>

#include "runner_fixture.hpp"
#include "tide/error.hpp"

using namespace tide;
using tide::test::FakeDatabase;
using tide::test::Fixture;
using tide::test::make;

namespace {

bool has(const std::string& s, const std::string& part) {
  return s.find(part) != std::string::npos;
}

SqlResult one(std::vector<SqlValue> row) {
  SqlResult r;
  r.rows.push_back(std::move(row));
  return r;
}

// The table "items" (keys 1..n) that the backfill walks, and the ranges its workers record in
// "tide_migrations_backfill". A session's updates and ranges count once its transaction commits.
class Items : public FakeDatabase::Responder {
 public:
  explicit Items(int n) : n_(n) {}

  // Runs before each statement (outside the lock) with the session's pid: a test's script for
  // one moment of the run (block, throw).
  std::function<void(int pid, const std::string& sql)> before;

  std::optional<SqlResult> answer(int pid, const std::string& sql, const SqlParams& p) override {
    {
      std::lock_guard<std::mutex> lock(mu_);
      ++statements_[label(sql)];
    }
    if (before) before(pid, sql);
    std::lock_guard<std::mutex> lock(mu_);
    if (has(sql, "SELECT c.relkind::text")) return one({"r", "{id}"});
    if (has(sql, "format_type(atttypid")) return one({"integer"});
    if (has(sql, "reltuples")) return one({std::to_string(n_)});
    if (has(sql, "WITH b AS (")) return bounds(sql, p);
    if (has(sql, "to_regproc('aurora_replica_status')")) return one({"f"});
    if (has(sql, "FROM pg_settings") && has(sql, "backend_flush_after")) {
      return writeback_ ? one({"1"}) : SqlResult{};
    }
    if (has(sql, "FROM pg_stat_replication")) {
      return replica_lag_ ? one({"standby1", *replica_lag_}) : SqlResult{};
    }
    if (has(sql, "UPDATE items")) {
      SqlResult r;
      for (int k = std::stoi(*p[0]); k <= std::stoi(*p[1]); ++k, ++r.affected_rows) {
        pending_[pid].keys.push_back(k);
      }
      return r;
    }
    if (!has(sql, "tide_migrations_backfill")) return std::nullopt;
    Pending& mine = pending_[pid];
    if (has(sql, "INSERT INTO")) {
      mine.ranges[std::stoi(*p[2])] = {std::stoi(*p[3]), std::stoll(*p[4])};
      return SqlResult{};
    }
    if (has(sql, "WITH gone AS (DELETE")) {
      mine.absorb = std::stoi(*p[2]);
      return std::nullopt;  // the fake moves the record's low-water mark
    }
    if (has(sql, "DELETE FROM")) {
      mine.clear = true;
      return SqlResult{};
    }
    if (has(sql, "SELECT first_key, last_key, rows")) {
      SqlResult r;
      for (const auto& [first, range] : ranges_) {
        r.rows.push_back(
            {std::to_string(first), std::to_string(range.first), std::to_string(range.second)});
      }
      return r;
    }
    if (has(sql, "SELECT rows FROM")) {
      const auto found = ranges_.find(std::stoi(*p[2]));
      return found == ranges_.end() ? SqlResult{} : one({std::to_string(found->second.second)});
    }
    if (has(sql, "SELECT EXISTS")) return one({ranges_.empty() ? "f" : "t"});
    return std::nullopt;  // CREATE TABLE IF NOT EXISTS
  }

  void finished(int pid, bool committed) override {
    std::lock_guard<std::mutex> lock(mu_);
    Pending mine = std::move(pending_[pid]);
    pending_.erase(pid);
    if (!committed) return;
    for (int k : mine.keys) ++updates_[k];
    if (mine.clear) ranges_.clear();
    if (mine.absorb) {
      for (auto it = ranges_.begin(); it != ranges_.end();) {
        it = it->second.first <= *mine.absorb ? ranges_.erase(it) : std::next(it);
      }
    }
    ranges_.insert(mine.ranges.begin(), mine.ranges.end());
  }

  void opened(FakeDatabase& session) override {
    std::lock_guard<std::mutex> lock(mu_);
    sessions_[session.pid()] = &session;
  }
  // The session `pid` (a worker's): script it from `before`, on its own thread.
  FakeDatabase& session(int pid) {
    std::lock_guard<std::mutex> lock(mu_);
    return *sessions_.at(pid);
  }

  // The keys not updated exactly once, as "key xN".
  std::vector<std::string> not_once() {
    std::lock_guard<std::mutex> lock(mu_);
    std::vector<std::string> out;
    for (int k = 1; k <= n_; ++k) {
      const int times = updates_.count(k) ? updates_.at(k) : 0;
      if (times != 1) out.push_back(std::to_string(k) + " x" + std::to_string(times));
    }
    return out;
  }
  int count(const std::string& what) {
    std::lock_guard<std::mutex> lock(mu_);
    return statements_[what];
  }
  // A streaming standby that lags this many seconds (as text), or none.
  void standby_lag(std::optional<std::string> seconds) {
    std::lock_guard<std::mutex> lock(mu_);
    replica_lag_ = std::move(seconds);
  }
  // Whether the server lets tide choose backend_flush_after (user-settable, nobody chose a
  // value); true by default, as on a stock PostgreSQL.
  void writeback(bool available) {
    std::lock_guard<std::mutex> lock(mu_);
    writeback_ = available;
  }
  size_t recorded_ranges() {
    std::lock_guard<std::mutex> lock(mu_);
    return ranges_.size();
  }

 private:
  struct Pending {
    std::vector<int> keys;
    std::map<int, std::pair<int, long long>> ranges;
    std::optional<int> absorb;
    bool clear = false;
  };

  static std::string label(const std::string& sql) {
    if (has(sql, "WITH b AS (")) return "bounds";
    if (has(sql, "UPDATE items")) return "batch";
    if (has(sql, "SELECT rows FROM")) return "in-doubt check";
    if (has(sql, "SET LOCAL backend_flush_after")) return "writeback";
    return "other";
  }

  // The walk's next batch: keys above $1 (when asked), below the next recorded range (when
  // asked), at most the LIMIT of the inner query.
  SqlResult bounds(const std::string& sql, const SqlParams& p) const {
    const int after = has(sql, "> $1") ? std::stoi(*p[0]) : 0;
    const int below = has(sql, " < $") ? std::stoi(*p.back()) : n_ + 1;
    const size_t limit = std::stoul(sql.substr(sql.find("LIMIT ") + 6));
    const int first = after + 1;
    const int last = std::min({below - 1, n_, after + static_cast<int>(limit)});
    if (first > last) return one({std::nullopt, std::nullopt});
    return one({std::to_string(first), std::to_string(last)});
  }

  std::mutex mu_;
  int n_;
  std::map<int, int> updates_;                       // committed updates per key
  std::map<int, std::pair<int, long long>> ranges_;  // first key -> (last key, rows)
  std::map<int, Pending> pending_;                   // by session pid
  std::map<std::string, int> statements_;
  std::map<int, FakeDatabase*> sessions_;  // the workers', by pid
  std::optional<std::string> replica_lag_;
  bool writeback_ = true;
};

// Runs `script` (on the session's thread) before the n-th batch statement, whichever worker runs
// it.
std::function<void(int, const std::string&)> at_batch(int n, std::function<void(int)> script) {
  auto seen = std::make_shared<int>(0);
  auto mu = std::make_shared<std::mutex>();
  return [=](int pid, const std::string& sql) {
    if (!has(sql, "UPDATE items")) return;
    {
      std::lock_guard<std::mutex> lock(*mu);
      if (++*seen != n) return;
    }
    script(pid);
  };
}

std::string keyed(const std::string& options) {
  return "-- migrate:up\nALTER TABLE items ADD COLUMN done boolean;\n"
         "-- migrate:backfill table:items batch_size:10 " +
         options +
         "\nUPDATE items SET done = true WHERE id BETWEEN $1 AND $2;\n"
         "-- migrate:down\nALTER TABLE items DROP COLUMN done;\n";
}

// A fixture whose fake answers for `items`, n keys.
struct Keyed : Fixture {
  std::shared_ptr<Items> items;
  Keyed(int n, const std::string& options)
      : Fixture({make("1", keyed(options))}), items(std::make_shared<Items>(n)) {
    db->respond_with(items);
  }
};

bool step_failed(const RunReport& report) {
  return !report.ok() && !report.results.empty() &&
         report.results.back().outcome == StepResult::Outcome::kFailed;
}

}  // namespace

TEST_CASE("a keyed backfill walks the key in batches and updates each key once",
          "[backfill][runner]") {
  Keyed f(95, "");
  const RunReport report = f.up();

  CHECK(report.ok());
  CHECK(f.items->not_once().empty());
  CHECK(f.items->count("batch") == 10);
  CHECK(f.items->count("bounds") == 11);  // the last one finds nothing left
  CHECK(f.db->table.at("1").rows == 95);
}

TEST_CASE("batches have the server write their pages back as they go, unless a value was chosen",
          "[backfill][runner]") {
  // backend_flush_after keeps the backfill's dirty pages from piling up in the kernel until a
  // checkpoint's fsync, which stalled every session's WAL for 0.2-0.3 s (bench/README.md).
  for (const std::string options : {"", "workers:2"}) {
    SECTION(options.empty() ? "one session" : options) {
      Keyed f(95, options);
      REQUIRE(f.up().ok());
      // Every batch's transaction; one session's last one finds no key left.
      CHECK(f.items->count("writeback") == (options.empty() ? 11 : 10));

      Keyed chosen(95, options);
      chosen.items->writeback(false);  // set for the role, or a server without the setting
      REQUIRE(chosen.up().ok());
      CHECK(chosen.items->count("writeback") == 0);
      CHECK(chosen.items->not_once().empty());
    }
  }
}

TEST_CASE("a keyed batch that loses its connection resumes after the last committed batch",
          "[backfill][runner]") {
  Keyed f(95, "");
  int batches = 0;
  f.items->before = [&](int, const std::string& sql) {
    if (has(sql, "UPDATE items") && ++batches == 4) throw connection_error("server closed");
  };
  const RunReport report = f.up();

  CHECK(report.ok());
  CHECK(f.db->reconnects == 1);
  CHECK(f.items->not_once().empty());
  CHECK(f.items->count("batch") == 11);  // the broken batch ran again, none before it did
}

TEST_CASE("workers:2 update every key once and fold their ranges into the low-water mark",
          "[backfill][runner][parallel]") {
  Keyed f(95, "workers:2");
  const RunReport report = f.up();

  CHECK(report.ok());
  CHECK(f.items->not_once().empty());
  CHECK(f.items->count("batch") == 10);
  CHECK(f.items->recorded_ranges() == 0);  // cleared when the section finished
}

TEST_CASE("a worker whose batch loses its connection reconnects and runs that range again",
          "[backfill][runner][parallel]") {
  Keyed f(95, "workers:2");
  f.items->before =
      at_batch(3, [](int) { throw connection_error("server closed the connection unexpectedly"); });
  const RunReport report = f.up();

  CHECK(report.ok());
  CHECK(f.items->not_once().empty());
  CHECK(f.items->count("in-doubt check") == 1);
  CHECK(f.items->count("batch") == 11);
  CHECK(f.observed.events == std::vector<std::string>{"1 worker reconnecting"});
}

TEST_CASE("a worker's in-doubt COMMIT is found in the ranges table and not run again",
          "[backfill][runner][parallel]") {
  Keyed f(95, "workers:2");
  f.items->before = at_batch(3, [&](int pid) { f.items->session(pid).lose_commits(1); });
  const RunReport report = f.up();

  CHECK(report.ok());
  CHECK(f.items->not_once().empty());
  CHECK(f.items->count("in-doubt check") == 1);
  CHECK(f.items->count("batch") == 10);
}

TEST_CASE("a worker's server error fails the step; no key is updated twice",
          "[backfill][runner][parallel]") {
  Keyed f(95, "workers:2");
  f.items->before =
      at_batch(3, [](int) { throw server_error("23505", "ERROR:  scripted failure (23505)\n"); });
  const RunReport report = f.up();

  REQUIRE(step_failed(report));
  CHECK(report.results.back().error.find("scripted failure (23505)") != std::string::npos);
  CHECK(f.db->table.at("1").state == "backfilling");  // resumable
  CHECK(f.items->not_once().size() > 0);              // stopped early: the rest is for the rerun
  for (const std::string& k : f.items->not_once()) CHECK(k.substr(k.find(' ')) == " x0");
}

// The runner's own session fails in the walk while a worker is still in its batch: the workers
// must stop (and be joined) before anything they share goes, and a worker that then loses its
// session gives up instead of reconnecting and running a batch for a run that already failed.
TEST_CASE("when the walk fails, workers stop before the step's state goes away",
          "[backfill][runner][parallel]") {
  Keyed f(95, "workers:2");
  std::mutex mu;
  std::condition_variable walk_failed_cv;
  bool walk_failed = false;
  int bounds = 0, batches = 0;
  f.items->before = [&](int pid, const std::string& sql) {
    std::unique_lock<std::mutex> lock(mu);
    if (pid == f.db->pid() && has(sql, "WITH b AS (") && ++bounds == 3) {
      walk_failed = true;
      walk_failed_cv.notify_all();
      throw server_error("42501", "ERROR:  permission denied for table items\n");
    }
    if (pid != f.db->pid() && has(sql, "UPDATE items")) {
      const bool first = ++batches == 1;
      walk_failed_cv.wait_for(lock, std::chrono::seconds(10), [&] { return walk_failed; });
      if (first) {
        lock.unlock();
        // Long enough for the runner to unwind the walk and start joining.
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
        throw connection_error("server closed the connection unexpectedly");
      }
    }
  };
  const RunReport report = f.up();

  REQUIRE(step_failed(report));
  CHECK(report.results.back().error.find("permission denied for table items") != std::string::npos);
  CHECK(f.items->count("in-doubt check") == 0);  // the broken worker did not reconnect
  for (const std::string& k : f.items->not_once()) CHECK(k.substr(k.find(' ')) == " x0");
}

TEST_CASE("a lagging standby throttles the walk, through the observer, until max_throttle",
          "[backfill][runner][throttle]") {
  Keyed f(95, "max_replica_lag:1s max_throttle:300ms");
  int batches = 0;
  f.items->before = [&](int, const std::string& sql) {
    if (has(sql, "UPDATE items") && ++batches == 2) f.items->standby_lag("7.25");
  };
  const RunReport report = f.up();

  REQUIRE(step_failed(report));
  CHECK(report.results.back().error.find("replica lag stayed over max_replica_lag 1s (standby "
                                         "standby1: 7.2 s) for max_throttle 300ms") !=
        std::string::npos);
  CHECK(f.items->count("batch") == 2);  // the batch after the lag began did not run
  REQUIRE(!f.observed.events.empty());
  CHECK(f.observed.events[0] ==
        "1 throttled: throttled: replica lag 7.2 s > 1 s (standby standby1); paused 0 of "
        "max_throttle 300ms");
  CHECK(f.db->table.at("1").last_key == "20");  // progress saved: the rerun resumes after 20
}

TEST_CASE("the throttle reports its release through the observer", "[backfill][runner][throttle]") {
  Keyed f(95, "max_replica_lag:1s max_throttle:10s");
  int batches = 0, lagging_looks = 0;
  f.items->before = [&](int, const std::string& sql) {
    if (has(sql, "UPDATE items") && ++batches == 2) f.items->standby_lag("7.25");
    // The first look after that sees the lag, the second sees the standby caught up.
    if (has(sql, "FROM pg_stat_replication") && batches == 2 && ++lagging_looks == 2) {
      f.items->standby_lag(std::nullopt);
    }
  };
  const RunReport report = f.up();

  CHECK(report.ok());
  CHECK(f.items->not_once().empty());
  REQUIRE(f.observed.events.size() == 2);
  CHECK(f.observed.events[1].rfind("1 released: throttle released after ", 0) == 0);
}
