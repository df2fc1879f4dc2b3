// Fills in src/db/schema.sql: the quoted table names and the CHECK list of stored states.
#include "tide/db/schema.hpp"

#include <fmt/format.h>

#include "tide/db/schema_sql.hpp"
#include "tide/migration/state.hpp"

namespace tide {

std::string stored_states_sql() {
  std::string out;
  for (State s : kStates) {
    if (s == State::kPending) continue;  // a pending migration has no row
    out += fmt::format("{}'{}'", out.empty() ? "" : ", ", state_name(s));
  }
  return out;
}

std::string metadata_schema_sql(const QualifiedName& table) {
  return fmt::format(fmt::runtime(embedded::kSchemaSql), fmt::arg("table", table.quoted()),
                     fmt::arg("history_table", quote_ident(table.schema) + "." +
                                                   quote_ident(table.table + "_history")),
                     fmt::arg("states", stored_states_sql()));
}

}  // namespace tide
