// Reading table sizes and the time zone for a connected lint (include/tide/db/lint_stats.hpp).
// Statistics only: no table is scanned, so this is cheap on any database.
#include "tide/db/lint_stats.hpp"

namespace tide::db {

lint::TableSizes read_table_sizes(Database& db) {
  Transaction tx(db);
  // reltuples is -1 for a table never vacuumed or analysed (PostgreSQL 14+); older servers
  // report 0 with relpages 0, which then reads as "empty", as the planner reads it too.
  const SqlResult rows = db.exec(
      "SELECT n.nspname, c.relname, c.reltuples::float8, pg_total_relation_size(c.oid) "
      "FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
      "WHERE c.relkind IN ('r', 'p', 'm') "
      "AND n.nspname NOT IN ('pg_catalog', 'information_schema') "
      "AND n.nspname NOT LIKE 'pg\\_toast%' AND n.nspname NOT LIKE 'pg\\_temp%'");
  lint::TableSizes sizes;
  for (size_t i = 0; i < rows.size(); ++i) {
    lint::TableSize size;
    size.rows = std::stod(rows.text(i, 2));
    size.bytes = rows.as_int(i, 3);
    sizes[rows.text(i, 0) + "." + rows.text(i, 1)] = size;
  }
  return sizes;
}

std::string read_time_zone(Database& db) {
  Transaction tx(db);
  return db.exec("SHOW TimeZone").text(0, 0);
}

}  // namespace tide::db
