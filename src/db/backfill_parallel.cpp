// A keyed backfill on N sessions at once. The runner's session walks the key (the same bounds
// walk as one session) and hands each batch's range to the next free worker; every worker
// commits its batch together with a row for its range in "<table>_backfill". The record's
// backfill_last_key stays a low-water mark (every key up to it is done): the runner advances it
// over the finished ranges directly above it, deleting them in the same transaction. A rerun
// walks again from the low-water mark and steps over the ranges recorded above it, so after a
// kill at any moment no committed batch runs twice and none is skipped. (docs/expand-contract.md)
#include <fmt/format.h>

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>

#include "tide/db/backfill_run.hpp"
#include "tide/error.hpp"

namespace tide {
namespace {

using Clock = std::chrono::steady_clock;
constexpr char kWorkerGuard[] = "tide: a backfill worker lost its session or the migration lock";
constexpr int kMaxReconnectsPerBatch = 10;

struct Range {
  std::string first, last;
  long long rows = 0;
  bool done = false;
};

// What the runner's walk and the workers share.
struct Board {
  std::mutex mu;
  std::condition_variable changed;
  std::deque<Range> ranges;  // in walk order; never shrinks while workers run
  std::deque<size_t> queue;  // indexes into ranges, not yet taken
  bool closed = false;       // no more ranges will come
  bool abandoned = false;    // the walk failed: workers stop, no reconnect, no retry
  std::string failure;       // the first worker's error; stops the walk
  bool failure_is_guard = false;
  long long done_rows = 0;  // rows of the ranges finished by this run
  int attempts = 1;
};

int backend_pid(Database& db) {
  return static_cast<int>(db.exec("SELECT pg_backend_pid()").as_int(0, 0));
}

// The section index as a parameter (parameters travel as text).
std::string section_param(const Step& s) {
  return std::to_string(s.backfill_index);
}

}  // namespace

StepResult Runner::run_parallel(BackfillRun& run) {
  const Step& s = *run.step;
  const Migration& m = *s.migration;
  const Section& sec = *s.section;
  const std::string& version = m.version.text;
  Board board;
  std::vector<std::thread> threads;
  std::vector<std::unique_ptr<Database>> sessions;
  // Stops and joins the workers when the walk fails: a worker never outlives its step. A batch
  // in flight may still commit (with its range row, for the rerun); none starts again.
  auto stop_workers = [&] {
    {
      std::lock_guard<std::mutex> lock(board.mu);
      board.closed = true;
      board.abandoned = true;
      board.queue.clear();
    }
    board.changed.notify_all();
    for (auto& t : threads) t.join();
    threads.clear();
  };
  auto abandoned = [&] {
    std::lock_guard<std::mutex> lock(board.mu);
    return board.abandoned;
  };
  size_t absorbed = 0;  // ranges[0, absorbed) are below the low-water mark
  auto last_absorb = Clock::now();
  // Moves the low-water mark over the finished ranges directly above it (at most every second
  // unless `now`).
  auto absorb = [&](bool now) {
    if (!now && Clock::now() - last_absorb < std::chrono::seconds(1)) return;
    std::optional<std::string> mark;
    size_t upto = absorbed;
    {
      std::lock_guard<std::mutex> lock(board.mu);
      while (upto < board.ranges.size() && board.ranges[upto].done)
        mark = board.ranges[upto++].last;
    }
    if (!mark) return;
    Transaction tx(db_);
    db_.exec(target_.guard_sql());
    db_.exec_params(absorb_ranges_sql(run.meta, run.ranges, run.walk.key_type),
                    {version, section_param(s), *mark});
    tx.commit();
    absorbed = upto;
    run.last_key = mark;
    last_absorb = Clock::now();
  };
  long long base_rows = run.rows;
  const Statement* current = nullptr;
  try {
    std::vector<Range> earlier;  // finished by an earlier run, above the low-water mark
    {
      Transaction tx(db_);
      db_.exec(target_.guard_sql());
      db_.exec(create_ranges_sql(run.ranges));
      const SqlResult rows = db_.exec_params(finished_ranges_sql(run.ranges, run.walk.key_type),
                                             {version, section_param(s)});
      for (size_t i = 0; i < rows.size(); ++i) {
        earlier.push_back(Range{rows.text(i, 0), rows.text(i, 1), rows.as_int(i, 2), true});
        base_rows += earlier.back().rows;
      }
      tx.commit();
    }
    const int holder = backend_pid(db_);
    const std::vector<std::string> sets = batch_settings(run);
    // Declared after everything the workers use: when the walk throws, this joins them before
    // any of it goes out of scope (a worker reconnecting then would read a dead stack frame).
    struct JoinOnExit {
      std::function<void()> stop;
      ~JoinOnExit() { stop(); }
    } join_on_exit{stop_workers};
    for (int i = 0; i < run.workers; ++i) sessions.push_back(db_.open_another());
    for (auto& session : sessions) {
      threads.emplace_back([&, worker = session.get()] {
        try {
          int pid = backend_pid(*worker);
          while (true) {
            size_t index;
            Range range;
            {
              std::unique_lock<std::mutex> lock(board.mu);
              board.changed.wait(lock, [&] { return board.closed || !board.queue.empty(); });
              if (board.queue.empty()) return;
              index = board.queue.front();
              board.queue.pop_front();
              range = board.ranges[index];
            }
            board.changed.notify_all();  // room in the queue for the walk
            long long changed = 0;
            const Statement* at = nullptr;
            int attempts = 0;
            for (int reconnects = 0;; ++reconnects) {
              try {
                with_retries(s, attempts, [&] {
                  if (abandoned()) throw Error(ExitCode::kFailed, "the backfill walk failed");
                  changed = 0;
                  Transaction tx(*worker);
                  worker->exec(
                      batch_prologue_sql(worker_guard_sql(pid, holder, kWorkerGuard), sets));
                  for (const Statement& st : sec.statements) {
                    at = &st;
                    changed += worker->exec_params(st.sql, {range.first, range.last}).affected_rows;
                  }
                  at = nullptr;
                  worker->exec_params(record_range_sql(run.ranges),
                                      {version, section_param(s), range.first, range.last,
                                       std::to_string(changed)});
                  tx.commit();
                });
                break;
              } catch (const std::exception& e) {
                if (abandoned()) return;  // the walk's error is the step's; this batch rolled back
                const bool guard = std::string(e.what()).find(kWorkerGuard) != std::string::npos;
                const auto* db_error = dynamic_cast<const DatabaseError*>(&e);
                const bool reconnectable = db_error && db_error->reconnectable();
                if (guard || !reconnectable || reconnects >= kMaxReconnectsPerBatch) {
                  std::lock_guard<std::mutex> lock(board.mu);
                  if (board.failure.empty()) {
                    board.failure =
                        guard ? fmt::format(
                                    "{}: a backfill worker stopped: the migration lock is "
                                    "no longer held by this run's session, or the worker's "
                                    "session moved (a transaction pooler?)",
                                    m.path)
                              : statement_error(m, at, e);
                    board.failure_is_guard = guard;
                  }
                  board.closed = true;
                  board.changed.notify_all();
                  return;
                }
                observer_.worker_reconnecting(s, statement_error(m, at, e));
                // Reconnect with backoff; then the range's own row says whether the batch
                // committed as the connection dropped (an in-doubt COMMIT).
                const auto deadline = Clock::now() + settings_.reconnect_timeout;
                for (int wait_ms = 200;; wait_ms = std::min(wait_ms * 2, 5000)) {
                  if (abandoned()) return;
                  try {
                    worker->reconnect();
                    pid = backend_pid(*worker);
                    break;
                  } catch (const std::exception&) {
                    if (Clock::now() > deadline) throw;
                    std::this_thread::sleep_for(Millis(wait_ms));
                  }
                }
                const SqlResult rows = worker->exec_params(
                    fmt::format("SELECT rows FROM {} WHERE version = $1 AND section = $2 AND "
                                "first_key = $3",
                                run.ranges),
                    {version, section_param(s), range.first});
                if (!rows.empty()) {
                  changed = rows.as_int(0, 0);
                  break;
                }
              }
            }
            {
              std::lock_guard<std::mutex> lock(board.mu);
              board.ranges[index].done = true;
              board.ranges[index].rows = changed;
              board.done_rows += changed;
              board.attempts = std::max(board.attempts, attempts);
            }
            board.changed.notify_all();
          }
        } catch (const std::exception& e) {
          std::lock_guard<std::mutex> lock(board.mu);
          if (board.failure.empty()) board.failure = statement_error(m, nullptr, e);
          board.closed = true;
          board.changed.notify_all();
        }
      });
    }

    // The walk: the same bounds as one session, stepping over the ranges finished earlier.
    std::optional<std::string> after = run.last_key;
    size_t next_earlier = 0;
    const std::string sql[2][2] = {
        {bounds_sql(run.walk, false, false), bounds_sql(run.walk, false, true)},
        {bounds_sql(run.walk, true, false), bounds_sql(run.walk, true, true)}};
    std::string stop;
    auto show = [&] {
      {
        std::lock_guard<std::mutex> lock(board.mu);
        run.rows = base_rows + board.done_rows;
      }
      run.progress.rows = run.rows;
      run.progress.last_key = run.last_key.value_or("");
      run.progress.elapsed_s = run.elapsed_s();
      observer_.progress(run.progress);
    };
    while (true) {
      {
        std::unique_lock<std::mutex> lock(board.mu);
        board.changed.wait_for(lock, std::chrono::milliseconds(200), [&] {
          return !board.failure.empty() || board.queue.size() < static_cast<size_t>(run.workers);
        });
        if (!board.failure.empty()) break;
        if (board.queue.size() >= static_cast<size_t>(run.workers)) {
          lock.unlock();
          show();
          absorb(false);
          continue;
        }
      }
      show();
      absorb(false);
      if (settings_.interrupted && settings_.interrupted()) {
        stop = "interrupted";
        break;
      }
      if (stop = throttle(run); !stop.empty()) break;
      const Range* below = next_earlier < earlier.size() ? &earlier[next_earlier] : nullptr;
      SqlParams params;
      if (after) params.push_back(*after);
      if (below) params.push_back(below->first);
      const std::string& q = sql[after ? 1 : 0][below ? 1 : 0];
      const SqlResult b = params.empty() ? db_.exec(q) : db_.exec_params(q, params);
      std::lock_guard<std::mutex> lock(board.mu);
      if (b.is_null(0, 0)) {
        if (!below) break;  // the walk is over
        board.ranges.push_back(*below);
        after = below->last;
        ++next_earlier;
        continue;
      }
      board.ranges.push_back(Range{b.text(0, 0), b.text(0, 1), 0, false});
      board.queue.push_back(board.ranges.size() - 1);
      after = board.ranges.back().last;
      board.changed.notify_all();
      if (sec.batch_sleep.count() > 0) {
        // Per dispatched batch, as with one session: the walk paces the workers.
        board.mu.unlock();
        std::this_thread::sleep_for(sec.batch_sleep);
        board.mu.lock();
      }
    }
    // Let the workers finish what they took (the queue is emptied when stopping early).
    {
      std::unique_lock<std::mutex> lock(board.mu);
      if (!stop.empty() || !board.failure.empty()) board.queue.clear();
      board.closed = true;
    }
    board.changed.notify_all();
    for (auto& t : threads) t.join();
    threads.clear();
    show();
    StepResult r;
    r.step = &s;
    r.attempts = board.attempts;
    if (!board.failure.empty() || !stop.empty()) {
      absorb(true);
      if (!board.failure.empty()) {
        r.outcome = StepResult::Outcome::kFailed;
        r.error = board.failure;
        r.rows = run.rows;
        r.ms = run.elapsed_ms();
        return r;
      }
      return stopped(run, stop);
    }
    Transaction tx(db_);
    db_.exec(target_.guard_sql());
    finish_backfill(run);
    tx.commit();
    return finished(run, r);
  } catch (const std::exception&) {
    return backfill_failed(run, current);  // the workers were joined on the way out
  }
}

}  // namespace tide
