// Batched backfills: many short transactions, each recording its progress with its rows,
// so no lock is held for long and a killed run resumes where it stopped.
//  - keyed (table:NAME): walk the key in order; each batch binds $1/$2 to its first/last key.
//    With workers:N the batches run on N sessions at once (backfill_parallel.cpp).
//  - plain: run each statement again and again until a run changes no row.
// The SQL itself is built, and golden-tested, in backfill_sql.cpp.
#include <fmt/format.h>

#include "tide/db/backfill_run.hpp"
#include "tide/db/preconditions.hpp"
#include "tide/db/runner.hpp"
#include "tide/error.hpp"
#include "tide/util/identifier.hpp"

namespace tide {
namespace {

long long estimated_rows(Database& db, const std::string& table) {
  const auto rows =
      db.exec_params("SELECT reltuples::bigint FROM pg_class WHERE oid = to_regclass($1)",
                     {quote_qualified(table)});
  return rows.empty() || rows.is_null(0, 0) ? -1 : rows.as_int(0, 0);
}

std::string key_type(Database& db, const std::string& table, const std::string& column) {
  return db
      .exec_params(
          "SELECT format_type(atttypid, atttypmod) FROM pg_attribute WHERE attrelid = "
          "to_regclass($1) AND attname = $2",
          {quote_qualified(table), column})
      .text(0, 0);
}

// Finished ranges of this section recorded by an earlier parallel run.
bool has_ranges(Database& db, const BackfillRun& run) {
  if (db.exec_params("SELECT to_regclass($1) IS NULL", {run.ranges}).as_bool(0, 0)) return false;
  return db
      .exec_params(fmt::format("SELECT EXISTS (SELECT 1 FROM {} WHERE version = $1 AND "
                               "section = $2)",
                               run.ranges),
                   {run.step->migration->version.text, std::to_string(run.step->backfill_index)})
      .as_bool(0, 0);
}

}  // namespace

StepResult Runner::run_backfill(const Step& s) {
  const Section& sec = *s.section;
  BackfillRun run;
  run.step = &s;
  run.last_key = s.resume_after_key;
  run.rows = s.resume_rows;
  run.progress.step = &s;
  run.meta = history_.table().quoted();
  run.ranges = quote_ident(history_.table().schema) + "." +
               quote_ident(history_.table().table + "_backfill");
  // A rehearsal's expand is visible to its own transaction only: one session rehearses.
  run.workers = sec.keyed() && !settings_.rehearse ? sec.workers.value_or(settings_.workers) : 1;
  run.throttle = Throttle(sec.max_replica_lag.value_or(settings_.max_replica_lag),
                          sec.max_throttle.value_or(settings_.max_throttle));
  try {
    transact([&] {
      run.writeback = !db_.exec(writeback_probe_sql()).empty();
      if (!sec.keyed()) return;
      const BackfillKey found = backfill_key(db_, s);
      if (!found.problem.empty()) throw validation_error(found.problem);
      run.walk = KeyedWalk{sec.table, found.column, key_type(db_, sec.table, found.column),
                           sec.batch_size};
      run.progress.estimated_total = estimated_rows(db_, sec.table);
      run.has_ranges = !settings_.rehearse && has_ranges(db_, run);
    });
  } catch (const std::exception&) {
    return backfill_failed(run, nullptr);
  }
  if (s.resume_after_key || s.resume_rows || run.has_ranges) {
    observer_.resuming(s, run.rows, run.last_key, run.has_ranges);
  }
  run.progress.workers = run.workers;
  return run.workers > 1 || run.has_ranges ? run_parallel(run) : run_batches(run);
}

StepResult Runner::backfill_failed(const BackfillRun& run, const Statement* current) {
  StepResult r;
  r.step = run.step;
  r.outcome = StepResult::Outcome::kFailed;
  r.rows = run.rows;
  r.ms = run.elapsed_ms();
  // The record is the truth after a lost connection: the batch committed with its progress
  // or not at all, and the re-plan resumes from there (fail() throws ConnectionLost).
  fail(r, *run.step, current);
  return r;
}

std::vector<std::string> Runner::batch_settings(const BackfillRun& run) const {
  std::vector<std::string> sets =
      timeout_settings(*run.step->section, settings_.lock_timeout, SettingScope::kTransaction);
  if (run.writeback) sets.push_back(writeback_setting_sql());
  return sets;
}

std::string Runner::throttle(BackfillRun& run) {
  if (!run.throttle.enabled() || settings_.rehearse) return "";
  return run.throttle.wait(
      db_,
      [&](const std::string& message) {
        run.progress.throttled = message;
        run.progress.elapsed_s = run.elapsed_s();
        observer_.progress(run.progress);
      },
      [&](const std::string& note, bool released) {
        observer_.throttled(*run.step, note, released);
      },
      settings_.interrupted);
}

void Runner::finish_backfill(const BackfillRun& run) {
  const Step& s = *run.step;
  if (run.workers > 1 || run.has_ranges) {
    db_.exec_params(clear_ranges_sql(run.ranges),
                    {s.migration->version.text, std::to_string(s.backfill_index)});
  }
  // The next backfill section starts from 0 rows; after the last one the record keeps its
  // total, for status.
  history_.save_progress(db_, *s.migration, s.backfill_index + 1, nullptr,
                         s.state_after == State::kBackfilling ? 0 : run.rows);
  record_success(s, run.elapsed_ms());
}

StepResult Runner::run_batches(BackfillRun& run) {
  const Step& s = *run.step;
  const Migration& m = *s.migration;
  const Section& sec = *s.section;
  StepResult r;
  r.step = &s;
  size_t statement = 0;  // plain backfills: the statement now being repeated
  const Statement* current = nullptr;
  try {
    const std::string first_sql = sec.keyed() ? bounds_sql(run.walk, false, false) : "";
    const std::string next_sql = sec.keyed() ? bounds_sql(run.walk, true, false) : "";
    const std::string prologue = batch_prologue_sql(target_.guard_sql(), batch_settings(run));
    std::string batch_last;
    long long changed = 0;
    // One batch in `tx`; false when there is nothing left to do.
    auto run_batch = [&] {
      db_.exec(prologue);
      if (sec.keyed()) {
        const auto b =
            run.last_key ? db_.exec_params(next_sql, {*run.last_key}) : db_.exec(first_sql);
        if (b.is_null(0, 0)) return false;
        const std::string first = b.text(0, 0);
        batch_last = b.text(0, 1);
        for (const Statement& st : sec.statements) {
          current = &st;
          changed += db_.exec_params(st.sql, {first, batch_last}).affected_rows;
        }
      } else {
        if (statement >= sec.statements.size()) return false;
        current = &sec.statements[statement];
        changed = db_.exec(current->sql).affected_rows;
      }
      current = nullptr;
      history_.save_progress(db_, m, s.backfill_index, sec.keyed() ? &batch_last : nullptr,
                             run.rows + changed);
      return true;
    };
    while (true) {
      if (const std::string why = throttle(run); !why.empty()) {
        return stopped(run, why);
      }
      bool finished = false;
      int attempts = 0;
      with_retries(s, attempts, [&] {
        changed = 0;
        batch_last.clear();
        transact([&] { finished = !run_batch(); });
      });
      r.attempts = std::max(r.attempts, attempts);
      if (finished) break;
      run.rows += changed;
      if (sec.keyed()) run.last_key = batch_last;
      if (settings_.rehearse) break;  // one batch shows the statement works and how long it takes
      if (!sec.keyed() && changed == 0) ++statement;
      run.progress.rows = run.rows;
      run.progress.last_key = run.last_key.value_or("");
      run.progress.elapsed_s = run.elapsed_s();
      observer_.progress(run.progress);
      if (settings_.interrupted && settings_.interrupted()) return stopped(run, "interrupted");
      if (sec.batch_sleep.count() > 0) settings_.sleep(sec.batch_sleep);
    }
    transact([&] { finish_backfill(run); });
  } catch (const std::exception&) {
    return backfill_failed(run, current);
  }
  return finished(run, r);
}

StepResult Runner::finished(BackfillRun& run, StepResult r) {
  r.rows = run.rows;
  run.progress.done = true;
  run.progress.elapsed_s = run.elapsed_s();
  observer_.progress(run.progress);
  r.ms = run.elapsed_ms();
  return r;
}

StepResult Runner::stopped(const BackfillRun& run, const std::string& why) {
  StepResult r;
  r.step = run.step;
  r.rows = run.rows;
  r.ms = run.elapsed_ms();
  const Migration& m = *run.step->migration;
  if (why == "interrupted") {
    r.outcome = StepResult::Outcome::kInterrupted;
    r.error = fmt::format("{} backfill after {} rows{}", m.filename, run.rows,
                          run.last_key ? " (key " + *run.last_key + ")" : "");
    return r;
  }
  r.outcome = StepResult::Outcome::kFailed;
  r.error = fmt::format("{}:{}: backfill {} after {} rows; rerun to resume", m.path,
                        run.step->section->line, why, run.rows);
  return r;
}

}  // namespace tide
