// The metadata table and its audit history. All identifiers are quoted; all values are
// bound as parameters.
#include "tide/db/history.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <charconv>

#include "tide/db/schema.hpp"
#include "tide/error.hpp"
#include "tide/util/identifier.hpp"
#include "tide/version.hpp"

namespace tide {
namespace {

std::string host_name() {
  char buf[256] = {};
  if (gethostname(buf, sizeof buf - 1) != 0) return "";
  return buf;
}

// An integer column's text (the server prints integers; std::stoll wants a string).
long long to_int(std::string_view text) {
  long long v = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || end != text.data() + text.size()) {
    throw std::invalid_argument(fmt::format("not an integer: '{}'", text));
  }
  return v;
}

// A boolean parameter as libpqxx sent it.
std::string flag(bool b) {
  return b ? "true" : "false";
}

}  // namespace

History::History(QualifiedName table)
    : table_(std::move(table)), quoted_(table_.quoted()), client_host_(host_name()) {}

std::string History::history_table_name() const {
  return quote_ident(table_.schema) + "." + quote_ident(table_.table + "_history");
}

bool History::tide_shaped(Database& db) const {
  return db.exec_params(
               "SELECT count(*) FROM pg_attribute WHERE attrelid = to_regclass($1) AND attnum > 0 "
               "AND NOT attisdropped AND attname IN ('version', 'name', 'checksum', 'state')",
               {quoted_})
             .as_int(0, 0) == 4;
}

bool History::exists(Database& db) const {
  return !db.exec_params("SELECT to_regclass($1) IS NULL", {quoted_}).as_bool(0, 0);
}

void History::ensure(Database& db) const {
  if (exists(db)) return;
  const bool schema_exists =
      db.exec_params("SELECT count(*) FROM pg_namespace WHERE nspname = $1", {table_.schema})
          .as_int(0, 0) > 0;
  if (!schema_exists) db.exec("CREATE SCHEMA " + quote_ident(table_.schema));
  db.exec(metadata_schema_sql(table_));
}

std::vector<Record> History::load(Database& db) const {
  std::vector<Record> records;
  if (!exists(db)) return records;
  if (!tide_shaped(db)) {
    throw usage_error(fmt::format(
        "{}.{} is not a tide metadata table (another tool's, such as dbmate's "
        "schema_migrations?): pick tide's own with --table or table:, and take the other tool's "
        "history over with `tide adopt --from TOOL`",
        table_.schema, table_.table));
  }
  db.exec_rows(
      fmt::format(
          "SELECT version, name, checksum, state, backfill_section, backfill_last_key, "
          "backfill_rows, "
          "to_char(expanded_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), expand_ms, "
          "to_char(contracted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), "
          "contract_ms, failed_from, error, applied_by, client_host, tool_version FROM {}",
          quoted_),
      [&](const RowView& row) {
        auto text = [&](size_t i) { return std::string(row[i].value_or(std::string_view())); };
        auto num = [&](size_t i) { return row[i] ? to_int(*row[i]) : -1; };
        Record& r = records.emplace_back();
        r.version.text = text(0);
        r.name = text(1);
        r.checksum = text(2);
        r.state = parse_state(text(3)).value_or(State::kFailed);
        r.backfill_section = static_cast<int>(num(4));
        if (row[5]) r.backfill_last_key = text(5);
        r.backfill_rows = num(6);
        r.expanded_at = text(7);
        r.expand_ms = num(8);
        r.contracted_at = text(9);
        r.contract_ms = num(10);
        if (row[11]) r.failed_from = parse_state(text(11));
        r.error = text(12);
        r.applied_by = text(13);
        r.client_host = text(14);
        r.tool_version = text(15);
      });
  return records;
}

std::string History::save_sql(Phase phase) const {
  const bool contract = phase == Phase::kContract;
  const std::string at = contract ? "contracted_at" : "expanded_at";
  const std::string ms = contract ? "contract_ms" : "expand_ms";
  return fmt::format(
      "INSERT INTO {0} (version, name, checksum, state, {1}, {2}, client_host, tool_version) "
      "VALUES ($1, $2, $3, $4, CASE WHEN $6 THEN clock_timestamp() END, $5, $7, $8) "
      "ON CONFLICT (version) DO UPDATE SET name = $2, checksum = $3, state = $4, "
      "{1} = CASE WHEN $6 THEN clock_timestamp() ELSE {0}.{1} END, "
      "{2} = coalesce({0}.{2}, 0) + $5, failed_from = NULL, error = NULL, "
      "applied_by = current_user, client_host = $7, tool_version = $8, "
      "updated_at = clock_timestamp()",
      quoted_, at, ms);
}

void History::save(Database& db, const Migration& m, State state, Phase phase, long long phase_ms,
                   bool finished) const {
  db.exec_params(save_sql(phase),
                 {m.version.text, m.name, m.checksum, state_name(state), std::to_string(phase_ms),
                  flag(finished), client_host_, std::string(kVersion)});
}

namespace {
const char* save_statement(Phase phase) {
  return phase == Phase::kContract ? "tide_save_contract" : "tide_save_expand";
}
}  // namespace

void History::prepare(Database& db) const {
  // A data-modifying WITH runs to completion whether or not the main statement reads it.
  for (Phase phase : {Phase::kExpand, Phase::kContract}) {
    db.prepare(
        save_statement(phase),
        fmt::format("WITH saved AS ({}) INSERT INTO {} (version, name, action, state_before, "
                    "state_after, duration_ms, client_host, tool_version, detail) "
                    "VALUES ($1, $2, $9, $10, $4, $5, $7, $8, NULL)",
                    save_sql(phase), history_table_name()));
  }
  db.prepare("tide_remove",
             fmt::format("WITH removed AS (DELETE FROM {} WHERE version = $1) "
                         "INSERT INTO {} (version, name, action, state_before, state_after, "
                         "duration_ms, client_host, tool_version, detail) "
                         "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, NULL)",
                         quoted_, history_table_name()));
}

void History::save_and_log(Database& db, const Migration& m, State state, Phase phase,
                           long long phase_ms, bool finished, const std::string& action,
                           State before) const {
  db.exec_prepared(save_statement(phase), {m.version.text, m.name, m.checksum, state_name(state),
                                           std::to_string(phase_ms), flag(finished), client_host_,
                                           std::string(kVersion), action, state_name(before)});
}

void History::remove_and_log(Database& db, const Migration& m, const std::string& action,
                             State before, State after, long long ms) const {
  db.exec_prepared("tide_remove",
                   {m.version.text, m.name, action, state_name(before), state_name(after),
                    std::to_string(ms), client_host_, std::string(kVersion)});
}

void History::save_progress(Database& db, const Migration& m, int section,
                            const std::string* last_key, long long rows) const {
  const std::string sql = fmt::format(
      "UPDATE {} SET backfill_section = $2, backfill_last_key = $3, backfill_rows = $4, "
      "updated_at = clock_timestamp() WHERE version = $1",
      quoted_);
  db.exec_params(sql, {m.version.text, std::to_string(section),
                       last_key ? SqlValue(*last_key) : SqlValue(), std::to_string(rows)});
}

void History::mark_failed(Database& db, const Migration& m, State from,
                          const std::string& error) const {
  const std::string from_text = from == State::kPending ? "" : state_name(from);
  db.exec_params(
      fmt::format(
          "INSERT INTO {0} (version, name, checksum, state, failed_from, error, client_host, "
          "tool_version) VALUES ($1, $2, $3, 'failed', NULLIF($4, ''), $5, $6, $7) "
          "ON CONFLICT (version) DO UPDATE SET state = 'failed', failed_from = NULLIF($4, ''), "
          "error = $5, applied_by = current_user, client_host = $6, tool_version = $7, "
          "updated_at = clock_timestamp()",
          quoted_),
      {m.version.text, m.name, m.checksum, from_text, error, client_host_, std::string(kVersion)});
}

void History::remove(Database& db, const Version& v) const {
  db.exec_params(fmt::format("DELETE FROM {} WHERE version = $1", quoted_), {v.text});
}

void History::restamp(Database& db, const Version& v, const std::string& checksum) const {
  db.exec_params(fmt::format("UPDATE {} SET checksum = $2, updated_at = clock_timestamp() "
                             "WHERE version = $1",
                             quoted_),
                 {v.text, checksum});
}

void History::set_state(Database& db, const Version& v, State state) const {
  db.exec_params(fmt::format("UPDATE {} SET state = $2, failed_from = NULL, error = NULL, "
                             "updated_at = clock_timestamp() WHERE version = $1",
                             quoted_),
                 {v.text, state_name(state)});
}

void History::log(Database& db, const Version& v, const std::string& name,
                  const std::string& action, State before, State after, long long ms,
                  const std::string& detail) const {
  db.exec_params(fmt::format("INSERT INTO {} (version, name, action, state_before, state_after, "
                             "duration_ms, client_host, tool_version, detail) "
                             "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, NULLIF($9, ''))",
                             history_table_name()),
                 {v.text, name, action, state_name(before), state_name(after), std::to_string(ms),
                  client_host_, std::string(kVersion), detail});
}

}  // namespace tide
