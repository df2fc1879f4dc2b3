// Catalog checks of keyed backfills, run before the first step (and by --dry-run), and again
// inside the transaction of a step that may have changed the table.
#include "tide/db/preconditions.hpp"

#include <fmt/format.h>

#include <pqxx/pqxx>

#include "tide/util/identifier.hpp"

namespace tide {
namespace {

std::string cause(Database& db, const Section& sec, std::string& column,
                  BackfillKey::Problem& kind) {
  kind = BackfillKey::Problem::kKey;
  const std::string table = quote_qualified(sec.table);
  const auto rel = db.exec_params(
      "SELECT c.relkind::text, (SELECT array_agg(a.attname::text ORDER BY a.attnum)::text[] "
      "FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = "
      "ANY(i.indkey) WHERE i.indrelid = c.oid AND i.indisprimary) "
      "FROM pg_class c WHERE c.oid = to_regclass($1)",
      {table});
  if (rel.empty()) {
    kind = BackfillKey::Problem::kNoTable;
    return fmt::format("table {} does not exist", sec.table);
  }
  const std::string relkind = rel.text(0, 0);
  if (relkind != "r" && relkind != "p") return fmt::format("{} is not a table", sec.table);
  if (sec.key.empty()) {
    std::vector<std::string> pk;
    if (!rel.is_null(0, 1)) {
      const std::string text = rel.text(0, 1);
      pqxx::array_parser array(text.c_str());
      for (auto e = array.get_next(); e.first != pqxx::array_parser::juncture::done;
           e = array.get_next()) {
        if (e.first == pqxx::array_parser::juncture::string_value) pk.push_back(e.second);
      }
    }
    if (pk.size() == 1) {
      column = pk[0];
      return "";
    }
    std::string list;
    for (const auto& c : pk) list += (list.empty() ? "" : ", ") + c;
    return fmt::format(
        "table {} has {}; name a unique NOT NULL column to walk with key:COLUMN", sec.table,
        pk.empty() ? "no primary key" : "a primary key of several columns (" + list + ")");
  }
  const auto col = db.exec_params(
      "SELECT a.attnotnull, EXISTS (SELECT 1 FROM pg_index i WHERE i.indrelid = a.attrelid "
      "AND i.indisunique AND i.indisvalid AND i.indnkeyatts = 1 AND i.indkey[0] = a.attnum "
      "AND i.indpred IS NULL AND i.indexprs IS NULL) "
      "FROM pg_attribute a WHERE a.attrelid = to_regclass($1) AND a.attname = $2 "
      "AND a.attnum > 0 AND NOT a.attisdropped",
      {table, sec.key});
  if (col.empty()) {
    kind = BackfillKey::Problem::kNoColumn;
    return fmt::format("table {} has no column {}", sec.table, sec.key);
  }
  if (!col.as_bool(0, 0)) {
    return fmt::format(
        "key column {}.{} is nullable: rows whose key is NULL would never be visited; make it "
        "NOT NULL or walk another key",
        sec.table, sec.key);
  }
  if (!col.as_bool(0, 1)) {
    return fmt::format(
        "key column {}.{} is not unique (no unique index or constraint on it alone): a batch "
        "boundary could split rows with the same key; walk a unique key",
        sec.table, sec.key);
  }
  column = sec.key;
  return "";
}

}  // namespace

BackfillKey backfill_key(Database& db, const Step& step) {
  BackfillKey key;
  const Section& sec = *step.section;
  const std::string why = cause(db, sec, key.column, key.kind);
  if (why.empty()) key.kind = BackfillKey::Problem::kNone;
  if (!why.empty()) {
    key.column.clear();
    key.problem = fmt::format("{}:{}: backfill table:{}{}: {}", step.migration->path, sec.line,
                              sec.table, sec.key.empty() ? "" : " key:" + sec.key, why);
  }
  return key;
}

std::vector<std::string> check_up_front(Database& db, const std::vector<BackfillCheck>& checks) {
  std::vector<std::string> problems;
  for (const auto& c : checks) {
    const BackfillKey key = backfill_key(db, *c.step);
    const bool fixable = (key.kind == BackfillKey::Problem::kNoTable && c.may_create_table) ||
                         (key.kind == BackfillKey::Problem::kNoColumn && c.may_add_column) ||
                         (key.kind == BackfillKey::Problem::kKey && c.may_change_keys);
    if (!key.problem.empty() && !fixable) problems.push_back(key.problem);
  }
  return problems;
}

}  // namespace tide
