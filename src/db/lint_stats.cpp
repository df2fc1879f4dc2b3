// Reading table sizes and the time zone for a connected lint (include/tide/db/lint_stats.hpp).
// Statistics only: no table is scanned, so this is cheap on any database.
#include "tide/db/lint_stats.hpp"

namespace tide::db {

lint::TableSizes read_table_sizes(pqxx::connection& conn) {
  pqxx::read_transaction tx(conn);
  // reltuples is -1 for a table never vacuumed or analysed (PostgreSQL 14+); older servers
  // report 0 with relpages 0, which then reads as "empty", as the planner reads it too.
  const pqxx::result rows = tx.exec(
      "SELECT n.nspname, c.relname, c.reltuples::float8, pg_total_relation_size(c.oid) "
      "FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
      "WHERE c.relkind IN ('r', 'p', 'm') "
      "AND n.nspname NOT IN ('pg_catalog', 'information_schema') "
      "AND n.nspname NOT LIKE 'pg\\_toast%' AND n.nspname NOT LIKE 'pg\\_temp%'");
  lint::TableSizes sizes;
  for (const auto& row : rows) {
    lint::TableSize size;
    size.rows = row[2].as<double>();
    size.bytes = row[3].as<long long>();
    sizes[row[0].as<std::string>() + "." + row[1].as<std::string>()] = size;
  }
  return sizes;
}

std::string read_time_zone(pqxx::connection& conn) {
  pqxx::read_transaction tx(conn);
  return tx.exec1("SHOW TimeZone")[0].as<std::string>();
}

}  // namespace tide::db
