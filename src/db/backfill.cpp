// Batched backfills: many short transactions, each recording its progress with its rows,
// so no lock is held for long and a killed run resumes where it stopped.
//  - keyed (table:NAME): walk the key in order; each batch binds $1/$2 to its first/last key.
//  - plain: run each statement again and again until a run changes no row.
#include <fmt/format.h>

#include <chrono>

#include "tide/db/preconditions.hpp"
#include "tide/db/runner.hpp"
#include "tide/error.hpp"
#include "tide/migration/sql_split.hpp"

namespace tide {
namespace {

using Clock = std::chrono::steady_clock;

std::string quote_qualified(const std::string& name) {
  const size_t dot = name.find('.');
  if (dot == std::string::npos) return quote_ident(name);
  return quote_ident(name.substr(0, dot)) + "." + quote_ident(name.substr(dot + 1));
}

long long estimated_rows(Database& db, const std::string& table) {
  const auto rows =
      db.exec_params("SELECT reltuples::bigint FROM pg_class WHERE oid = to_regclass($1)",
                     {quote_qualified(table)});
  return rows.empty() || rows.is_null(0, 0) ? -1 : rows.as_int(0, 0);
}

}  // namespace

StepResult Runner::run_backfill(const Step& s) {
  StepResult r;
  r.step = &s;
  const Migration& m = *s.migration;
  const Section& sec = *s.section;
  const auto start = Clock::now();
  std::optional<std::string> last_key = s.resume_after_key;
  long long rows = s.resume_rows;
  size_t statement = 0;  // plain backfills: the statement now being repeated
  const Statement* current = nullptr;
  BackfillProgress progress;
  progress.step = &s;

  try {
    std::string key, bounds_first, bounds_next;
    if (sec.keyed()) {
      transact([&] {
        const BackfillKey found = backfill_key(db_, s);
        if (!found.problem.empty()) throw validation_error(found.problem);
        key = quote_ident(found.column);
        progress.estimated_total = estimated_rows(db_, sec.table);
      });
      const std::string table = quote_qualified(sec.table);
      const std::string select = fmt::format("SELECT {0} AS k FROM {1} {{}} ORDER BY {0} LIMIT {2}",
                                             key, table, sec.batch_size);
      const std::string bounds =
          "WITH b AS ({}) SELECT (SELECT k FROM b ORDER BY k LIMIT 1)::text, "
          "(SELECT k FROM b ORDER BY k DESC LIMIT 1)::text";
      bounds_first = fmt::format(bounds, fmt::format(select, ""));
      bounds_next = fmt::format(bounds, fmt::format(select, "WHERE " + key + " > $1"));
    }
    if (s.resume_after_key || s.resume_rows) {
      observer_.resuming(s, rows, last_key);
    }
    std::string batch_last;
    long long changed = 0;
    // One batch in `tx`; false when there is nothing left to do.
    auto run_batch = [&] {
      std::string settings = target_.guard_sql();
      for (const auto& set : timeout_settings(sec, settings_.lock_timeout, true)) {
        settings += ";\n" + set;
      }
      db_.exec(settings);
      if (sec.keyed()) {
        const auto b =
            last_key ? db_.exec_params(bounds_next, {*last_key}) : db_.exec(bounds_first);
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
                             rows + changed);
      return true;
    };
    while (true) {
      bool finished = false;
      int attempts = 0;
      with_retries(s, attempts, [&] {
        changed = 0;
        batch_last.clear();
        transact([&] { finished = !run_batch(); });
      });
      r.attempts = std::max(r.attempts, attempts);
      if (finished) break;
      rows += changed;
      if (sec.keyed()) last_key = batch_last;
      if (settings_.rehearse) break;  // one batch shows the statement works and how long it takes
      if (!sec.keyed() && changed == 0) ++statement;
      progress.rows = rows;
      progress.last_key = last_key.value_or("");
      progress.elapsed_s = std::chrono::duration<double>(Clock::now() - start).count();
      observer_.progress(progress);
      if (settings_.interrupted && settings_.interrupted()) {
        r.outcome = StepResult::Outcome::kInterrupted;
        r.rows = rows;
        r.error = fmt::format("{} backfill after {} rows{}", m.filename, rows,
                              last_key ? " (key " + *last_key + ")" : "");
        r.ms = std::chrono::duration_cast<Millis>(Clock::now() - start).count();
        return r;
      }
      if (sec.batch_sleep.count() > 0) settings_.sleep(sec.batch_sleep);
    }
    r.rows = rows;
    transact([&] {
      // The next backfill section starts from 0 rows; after the last one the record keeps
      // its total, for status.
      history_.save_progress(db_, m, s.backfill_index + 1, nullptr,
                             s.state_after == State::kBackfilling ? 0 : rows);
      record_success(s, std::chrono::duration_cast<Millis>(Clock::now() - start).count());
    });
    progress.done = true;
    progress.elapsed_s = std::chrono::duration<double>(Clock::now() - start).count();
    observer_.progress(progress);
  } catch (const std::exception&) {
    // The record is the truth after a lost connection: the batch committed with its progress
    // or not at all, and the re-plan resumes from there.
    fail(r, s, current);
  }
  r.ms = std::chrono::duration_cast<Millis>(Clock::now() - start).count();
  return r;
}

}  // namespace tide
