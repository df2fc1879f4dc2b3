// Batched backfills: many short transactions, each recording its progress with its rows,
// so no lock is held for long and a killed run resumes where it stopped.
//  - keyed (table:NAME): walk the key in order; each batch binds $1/$2 to its first/last key.
//  - plain: run each statement again and again until a run changes no row.
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <chrono>
#include <thread>

#include "tide/db/runner.hpp"
#include "tide/error.hpp"
#include "tide/sql.hpp"

namespace tide {
namespace {

using Clock = std::chrono::steady_clock;

std::string quote_qualified(const std::string& name) {
  const size_t dot = name.find('.');
  if (dot == std::string::npos) return quote_ident(name);
  return quote_ident(name.substr(0, dot)) + "." + quote_ident(name.substr(dot + 1));
}

std::string primary_key_column(pqxx::transaction_base& tx, const Section& section) {
  const auto rows = tx.exec_params(
      "SELECT a.attname FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid "
      "AND a.attnum = ANY(i.indkey) WHERE i.indrelid = to_regclass($1) AND i.indisprimary",
      quote_qualified(section.table));
  if (rows.size() != 1) {
    throw validation_error(fmt::format(
        "backfill at line {}: table {} has {} as primary key; name the column to walk with "
        "key:COLUMN "
        "(it must be unique and indexed)",
        section.line, section.table, rows.empty() ? "no single column" : "several columns"));
  }
  return rows[0][0].as<std::string>();
}

long long estimated_rows(pqxx::transaction_base& tx, const std::string& table) {
  const auto rows = tx.exec_params(
      "SELECT reltuples::bigint FROM pg_class WHERE oid = to_regclass($1)", quote_qualified(table));
  return rows.empty() || rows[0][0].is_null() ? -1 : rows[0][0].as<long long>();
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
      transact([&](pqxx::transaction_base& tx) {
        key = quote_ident(sec.key.empty() ? primary_key_column(tx, sec) : sec.key);
        progress.estimated_total = estimated_rows(tx, sec.table);
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
      spdlog::info("{} backfill: resuming after {} rows{}", m.filename, rows,
                   last_key ? " (after key " + *last_key + ")" : "");
    }
    std::string batch_last;
    long long changed = 0;
    // One batch in `tx`; false when there is nothing left to do.
    auto run_batch = [&](pqxx::transaction_base& tx) {
      for (const auto& set : timeout_settings(sec, settings_.lock_timeout, true)) tx.exec(set);
      if (sec.keyed()) {
        const auto b = last_key ? tx.exec_params(bounds_next, *last_key) : tx.exec(bounds_first);
        if (b[0][0].is_null()) return false;
        const std::string first = b[0][0].as<std::string>();
        batch_last = b[0][1].as<std::string>();
        for (const Statement& st : sec.statements) {
          current = &st;
          changed +=
              static_cast<long long>(tx.exec_params(st.sql, first, batch_last).affected_rows());
        }
      } else {
        if (statement >= sec.statements.size()) return false;
        current = &sec.statements[statement];
        changed = static_cast<long long>(tx.exec(current->sql).affected_rows());
      }
      current = nullptr;
      history_.save_progress(tx, m, s.backfill_index, sec.keyed() ? &batch_last : nullptr,
                             rows + changed);
      return true;
    };
    int reconnects = 0;
    while (true) {
      bool finished = false;
      try {
        int attempts = 0;
        with_retries(s, attempts, [&] {
          changed = 0;
          batch_last.clear();
          transact([&](pqxx::transaction_base& tx) { finished = !run_batch(tx); });
        });
        r.attempts = std::max(r.attempts, attempts);
      } catch (const std::exception& e) {
        if (!is_reconnectable(e) || settings_.rehearse ||
            reconnects >= std::max(settings_.retries, 1))
          throw;
        ++reconnects;
        spdlog::warn(
            "{} backfill: connection lost or server read-only ({}); reconnecting (try {} of {})",
            m.filename, statement_error(m, current, e), reconnects, std::max(settings_.retries, 1));
        std::this_thread::sleep_for(settings_.retry_base * reconnects);
        session_.reconnect();
        history_.prepare(session_.conn());
        if (settings_.on_reconnect) settings_.on_reconnect();
        // The record is the truth: the last batch may or may not have committed.
        transact([&](pqxx::transaction_base& tx) {
          for (const Record& rec : history_.load(tx)) {
            if (rec.version == m.version) {
              last_key = rec.backfill_last_key;
              rows = rec.backfill_rows;
            }
          }
        });
        continue;
      }
      if (finished) break;
      rows += changed;
      if (sec.keyed()) last_key = batch_last;
      if (settings_.rehearse) break;  // one batch shows the statement works and how long it takes
      if (!sec.keyed() && changed == 0) ++statement;
      progress.rows = rows;
      progress.last_key = last_key.value_or("");
      progress.elapsed_s = std::chrono::duration<double>(Clock::now() - start).count();
      if (settings_.on_progress) settings_.on_progress(progress);
      if (sec.batch_sleep.count() > 0) std::this_thread::sleep_for(sec.batch_sleep);
    }
    r.rows = rows;
    transact([&](pqxx::transaction_base& tx) {
      // The next backfill section starts from 0 rows; after the last one the record keeps
      // its total, for status.
      history_.save_progress(tx, m, s.backfill_index + 1, nullptr,
                             s.state_after == State::kBackfilling ? 0 : rows);
      record_success(tx, s, std::chrono::duration_cast<Millis>(Clock::now() - start).count());
    });
    progress.done = true;
    progress.elapsed_s = std::chrono::duration<double>(Clock::now() - start).count();
    if (settings_.on_progress) settings_.on_progress(progress);
  } catch (const Error&) {
    throw;
  } catch (const std::exception& e) {
    r.outcome = StepResult::Outcome::kFailed;
    r.error = statement_error(m, current, e);
  }
  r.ms = std::chrono::duration_cast<Millis>(Clock::now() - start).count();
  return r;
}

}  // namespace tide
