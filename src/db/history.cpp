// The metadata table and its audit history. All identifiers are quoted; all values are
// bound as parameters.
#include "tide/db/history.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include "tide/error.hpp"
#include "tide/migration/sql_split.hpp"
#include "tide/version.hpp"

namespace tide {
namespace {

std::string host_name() {
  char buf[256] = {};
  if (gethostname(buf, sizeof buf - 1) != 0) return "";
  return buf;
}

std::string text(const pqxx::field& f) {
  return f.is_null() ? "" : f.as<std::string>();
}

}  // namespace

History::History(QualifiedName table)
    : table_(std::move(table)), quoted_(table_.quoted()), client_host_(host_name()) {}

std::string History::history_table_name() const {
  return quote_ident(table_.schema) + "." + quote_ident(table_.table + "_history");
}

bool History::tide_shaped(pqxx::transaction_base& tx) const {
  return tx.exec_params1(
               "SELECT count(*) FROM pg_attribute WHERE attrelid = to_regclass($1) AND attnum > 0 "
               "AND NOT attisdropped AND attname IN ('version', 'name', 'checksum', 'state')",
               quoted_)[0]
             .as<int>() == 4;
}

bool History::exists(pqxx::transaction_base& tx) const {
  return !tx.exec_params1("SELECT to_regclass($1) IS NULL", quoted_)[0].as<bool>();
}

void History::ensure(pqxx::transaction_base& tx) const {
  if (exists(tx)) return;
  const bool schema_exists =
      tx.exec_params1("SELECT count(*) FROM pg_namespace WHERE nspname = $1", table_.schema)[0]
          .as<int>() > 0;
  if (!schema_exists) tx.exec("CREATE SCHEMA " + quote_ident(table_.schema));
  tx.exec(fmt::format(R"(CREATE TABLE {} (
  version          text PRIMARY KEY,
  name             text NOT NULL,
  checksum         text NOT NULL,
  state            text NOT NULL CHECK (state IN
                     ('backfilling', 'applied', 'expanded', 'contracted', 'failed')),
  backfill_section integer NOT NULL DEFAULT 0,
  backfill_last_key text,
  backfill_rows    bigint NOT NULL DEFAULT 0,
  expanded_at      timestamptz,
  expand_ms        bigint,
  contracted_at    timestamptz,
  contract_ms      bigint,
  failed_from      text,
  error            text,
  applied_by       text NOT NULL DEFAULT current_user,
  client_host      text,
  tool_version     text,
  updated_at       timestamptz NOT NULL DEFAULT clock_timestamp()
))",
                      quoted_));
  tx.exec(fmt::format(R"(CREATE TABLE {} (
  id           bigserial PRIMARY KEY,
  at           timestamptz NOT NULL DEFAULT clock_timestamp(),
  version      text NOT NULL,
  name         text NOT NULL,
  action       text NOT NULL,
  state_before text NOT NULL,
  state_after  text NOT NULL,
  duration_ms  bigint,
  db_user      text NOT NULL DEFAULT current_user,
  client_host  text,
  tool_version text,
  detail       text
))",
                      history_table_name()));
}

std::vector<Record> History::load(pqxx::transaction_base& tx) const {
  std::vector<Record> records;
  if (!exists(tx)) return records;
  if (!tide_shaped(tx)) {
    throw usage_error(fmt::format(
        "{}.{} is not a tide metadata table (another tool's, such as dbmate's "
        "schema_migrations?): pick tide's own with --table or table:, and take the other tool's "
        "history over with `tide adopt --from TOOL`",
        table_.schema, table_.table));
  }
  const auto rows = tx.exec(fmt::format(
      "SELECT version, name, checksum, state, backfill_section, backfill_last_key, backfill_rows, "
      "to_char(expanded_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), expand_ms, "
      "to_char(contracted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), contract_ms, "
      "failed_from, error, applied_by, client_host, tool_version FROM {}",
      quoted_));
  for (const auto& row : rows) {
    Record r;
    r.version.text = row[0].as<std::string>();
    r.name = row[1].as<std::string>();
    r.checksum = row[2].as<std::string>();
    r.state = parse_state(row[3].as<std::string>()).value_or(State::kFailed);
    r.backfill_section = row[4].as<int>();
    if (!row[5].is_null()) r.backfill_last_key = row[5].as<std::string>();
    r.backfill_rows = row[6].as<long long>();
    r.expanded_at = text(row[7]);
    r.expand_ms = row[8].is_null() ? -1 : row[8].as<long long>();
    r.contracted_at = text(row[9]);
    r.contract_ms = row[10].is_null() ? -1 : row[10].as<long long>();
    if (!row[11].is_null()) r.failed_from = parse_state(row[11].as<std::string>());
    r.error = text(row[12]);
    r.applied_by = text(row[13]);
    r.client_host = text(row[14]);
    r.tool_version = text(row[15]);
    records.push_back(std::move(r));
  }
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

void History::save(pqxx::transaction_base& tx, const Migration& m, State state, Phase phase,
                   long long phase_ms, bool finished) const {
  tx.exec_params(save_sql(phase), m.version.text, m.name, m.checksum, state_name(state), phase_ms,
                 finished, client_host_, kVersion);
}

namespace {
const char* save_statement(Phase phase) {
  return phase == Phase::kContract ? "tide_save_contract" : "tide_save_expand";
}
}  // namespace

void History::prepare(pqxx::connection& conn) const {
  // A data-modifying WITH runs to completion whether or not the main statement reads it.
  for (Phase phase : {Phase::kExpand, Phase::kContract}) {
    conn.prepare(
        save_statement(phase),
        fmt::format("WITH saved AS ({}) INSERT INTO {} (version, name, action, state_before, "
                    "state_after, duration_ms, client_host, tool_version, detail) "
                    "VALUES ($1, $2, $9, $10, $4, $5, $7, $8, NULL)",
                    save_sql(phase), history_table_name()));
  }
  conn.prepare("tide_remove",
               fmt::format("WITH removed AS (DELETE FROM {} WHERE version = $1) "
                           "INSERT INTO {} (version, name, action, state_before, state_after, "
                           "duration_ms, client_host, tool_version, detail) "
                           "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, NULL)",
                           quoted_, history_table_name()));
}

void History::save_and_log(pqxx::transaction_base& tx, const Migration& m, State state, Phase phase,
                           long long phase_ms, bool finished, const std::string& action,
                           State before) const {
  tx.exec_prepared(save_statement(phase), m.version.text, m.name, m.checksum, state_name(state),
                   phase_ms, finished, client_host_, kVersion, action, state_name(before));
}

void History::remove_and_log(pqxx::transaction_base& tx, const Migration& m,
                             const std::string& action, State before, State after,
                             long long ms) const {
  tx.exec_prepared("tide_remove", m.version.text, m.name, action, state_name(before),
                   state_name(after), ms, client_host_, kVersion);
}

void History::save_progress(pqxx::transaction_base& tx, const Migration& m, int section,
                            const std::string* last_key, long long rows) const {
  const std::string sql = fmt::format(
      "UPDATE {} SET backfill_section = $2, backfill_last_key = $3, backfill_rows = $4, "
      "updated_at = clock_timestamp() WHERE version = $1",
      quoted_);
  if (last_key) {
    tx.exec_params(sql, m.version.text, section, *last_key, rows);
  } else {
    tx.exec_params(sql, m.version.text, section, nullptr, rows);
  }
}

void History::mark_failed(pqxx::transaction_base& tx, const Migration& m, State from,
                          const std::string& error) const {
  const std::string from_text = from == State::kPending ? "" : state_name(from);
  tx.exec_params(
      fmt::format(
          "INSERT INTO {0} (version, name, checksum, state, failed_from, error, client_host, "
          "tool_version) VALUES ($1, $2, $3, 'failed', NULLIF($4, ''), $5, $6, $7) "
          "ON CONFLICT (version) DO UPDATE SET state = 'failed', failed_from = NULLIF($4, ''), "
          "error = $5, applied_by = current_user, client_host = $6, tool_version = $7, "
          "updated_at = clock_timestamp()",
          quoted_),
      m.version.text, m.name, m.checksum, from_text, error, client_host_, kVersion);
}

void History::remove(pqxx::transaction_base& tx, const Version& v) const {
  tx.exec_params(fmt::format("DELETE FROM {} WHERE version = $1", quoted_), v.text);
}

void History::restamp(pqxx::transaction_base& tx, const Version& v,
                      const std::string& checksum) const {
  tx.exec_params(fmt::format("UPDATE {} SET checksum = $2, updated_at = clock_timestamp() "
                             "WHERE version = $1",
                             quoted_),
                 v.text, checksum);
}

void History::set_state(pqxx::transaction_base& tx, const Version& v, State state) const {
  tx.exec_params(fmt::format("UPDATE {} SET state = $2, failed_from = NULL, error = NULL, "
                             "updated_at = clock_timestamp() WHERE version = $1",
                             quoted_),
                 v.text, state_name(state));
}

void History::log(pqxx::transaction_base& tx, const Version& v, const std::string& name,
                  const std::string& action, State before, State after, long long ms,
                  const std::string& detail) const {
  tx.exec_params(fmt::format("INSERT INTO {} (version, name, action, state_before, state_after, "
                             "duration_ms, client_host, tool_version, detail) "
                             "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, NULLIF($9, ''))",
                             history_table_name()),
                 v.text, name, action, state_name(before), state_name(after), ms, client_host_,
                 kVersion, detail);
}

}  // namespace tide
