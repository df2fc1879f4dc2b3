// What a connected lint reads from the server: table sizes from the planner's statistics and
// the session time zone. It lives in the db layer so the linter itself never talks to a database.
#pragma once

#include <string>

#include "tide/db/database.hpp"
#include "tide/lint/lint.hpp"

namespace tide::db {

// Every ordinary, partitioned and materialized table outside the system schemas:
// pg_class.reltuples (rows < 0 when never analysed) and pg_total_relation_size.
lint::TableSizes read_table_sizes(Database& db);
// SHOW TimeZone.
std::string read_time_zone(Database& db);

}  // namespace tide::db
