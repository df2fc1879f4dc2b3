// The DDL of the metadata table and its history table (src/db/schema.sql, embedded at build
// time), with the names and the state CHECK list filled in. Pure: no connection.
#pragma once

#include <string>

#include "tide/util/identifier.hpp"

namespace tide {

// "'backfilling', 'applied', …": every State but pending (which is never stored), quoted.
std::string stored_states_sql();
// Both CREATE TABLE statements for `table` and "<table>_history", as one script.
std::string metadata_schema_sql(const QualifiedName& table);

}  // namespace tide
