// Builders of a keyed backfill's SQL. Identifiers are quoted here, values always travel as
// parameters; the key type comes from format_type(), which returns it quoted where needed.
#include "tide/db/backfill_sql.hpp"

#include <fmt/format.h>

#include "tide/util/identifier.hpp"

namespace tide {

std::string bounds_sql(const KeyedWalk& w, bool after, bool below) {
  const std::string key = quote_ident(w.key);
  std::string where;
  if (after) where = fmt::format(" WHERE {} > $1", key);
  if (below) {
    where += fmt::format(" {} {} < ${}", after ? "AND" : "WHERE", key, after ? 2 : 1);
  }
  const std::string batch = fmt::format("SELECT {0} AS k FROM {1}{2} ORDER BY {0} LIMIT {3}", key,
                                        quote_qualified(w.table), where, w.batch_size);
  return fmt::format(
      "WITH b AS ({}) SELECT (SELECT k FROM b ORDER BY k LIMIT 1)::text, "
      "(SELECT k FROM b ORDER BY k DESC LIMIT 1)::text",
      batch);
}

std::string batch_prologue_sql(const std::string& guard, const std::vector<std::string>& sets) {
  // The batch's COMMIT need not wait for the WAL flush (on a 2-core VM with fsync=on, the flush
  // of a 5,000-row batch's WAL was most of the longest batches): the batch and the record of its
  // progress commit together or are lost together on a server crash (and the rerun does the
  // batch again), and the backfill's last bookkeeping commit, synchronous, flushes them all.
  std::string sql = guard + ";\nSET LOCAL synchronous_commit = off";
  for (const auto& set : sets) sql += ";\n" + set;
  return sql;
}

std::string writeback_probe_sql() {
  return "SELECT 1 FROM pg_settings WHERE name = 'backend_flush_after' AND context = 'user' "
         "AND source = 'default'";
}

std::string writeback_setting_sql() {
  // 256kB: PostgreSQL's own default for the checkpointer's checkpoint_flush_after on Linux.
  return "SET LOCAL backend_flush_after = '256kB'";
}

std::string worker_guard_sql(int worker_pid, int holder_pid, const std::string& marker) {
  return fmt::format(
      "SELECT (CASE WHEN pg_backend_pid() = {0} AND EXISTS (SELECT 1 FROM pg_locks WHERE "
      "locktype = 'advisory' AND pid = {1} AND granted) THEN '0' ELSE '{2}' END)::int",
      worker_pid, holder_pid, marker);
}

std::string create_ranges_sql(const std::string& ranges) {
  return fmt::format(
      "CREATE TABLE IF NOT EXISTS {} (\n"
      "  version   text NOT NULL,\n"
      "  section   integer NOT NULL,\n"
      "  first_key text NOT NULL,\n"
      "  last_key  text NOT NULL,\n"
      "  rows      bigint NOT NULL,\n"
      "  at        timestamptz NOT NULL DEFAULT clock_timestamp(),\n"
      "  PRIMARY KEY (version, section, first_key)\n"
      ")",
      ranges);
}

std::string record_range_sql(const std::string& ranges) {
  return fmt::format(
      "INSERT INTO {} (version, section, first_key, last_key, rows) VALUES ($1, $2, $3, $4, $5)",
      ranges);
}

std::string finished_ranges_sql(const std::string& ranges, const std::string& key_type) {
  return fmt::format(
      "SELECT first_key, last_key, rows FROM {} WHERE version = $1 AND section = $2 "
      "ORDER BY first_key::{}",
      ranges, key_type);
}

std::string absorb_ranges_sql(const std::string& meta, const std::string& ranges,
                              const std::string& key_type) {
  return fmt::format(
      "WITH gone AS (DELETE FROM {1} WHERE version = $1 AND section = $2 AND "
      "last_key::{2} <= $3::{2} RETURNING rows) "
      "UPDATE {0} SET backfill_last_key = $3, "
      "backfill_rows = backfill_rows + (SELECT coalesce(sum(rows), 0) FROM gone), "
      "updated_at = clock_timestamp() WHERE version = $1 AND backfill_section = $2",
      meta, ranges, key_type);
}

std::string clear_ranges_sql(const std::string& ranges) {
  return fmt::format("DELETE FROM {} WHERE version = $1 AND section = $2", ranges);
}

}  // namespace tide
