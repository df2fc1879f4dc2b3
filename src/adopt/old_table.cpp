// Reading the old tool's metadata table in its real schema. Read only: the old table is never
// changed, so the old tool keeps working until the team switches.
#include <fmt/format.h>

#include "tide/adopt/adopt.hpp"
#include "tide/error.hpp"

namespace tide::adopt {
namespace {

// Each tool's query: rows in the order the tool wrote them.
std::string query(Tool tool, const std::string& table) {
  switch (tool) {
    case Tool::kDbmate:
      return fmt::format("SELECT version::text, true, true, '', '' FROM {} ORDER BY version",
                         table);
    case Tool::kSqlMigrate:
      return fmt::format("SELECT id::text, true, true, '', '' FROM {} ORDER BY applied_at, id",
                         table);
    case Tool::kGolangMigrate:
      return fmt::format("SELECT version::text, true, NOT dirty, '', '' FROM {}", table);
    case Tool::kGoose:
      return fmt::format("SELECT version_id::text, is_applied, true, '', '' FROM {} ORDER BY id",
                         table);
    case Tool::kFlyway:
      return fmt::format(
          "SELECT coalesce(version, ''), true, success, type, script FROM {} ORDER BY "
          "installed_rank",
          table);
  }
  return "";
}

}  // namespace

std::optional<std::vector<OldRow>> read_old_table(pqxx::dbtransaction& tx, Tool tool,
                                                  const QualifiedName& table) {
  const std::string quoted = table.quoted();
  if (tx.exec_params1("SELECT to_regclass($1) IS NULL", quoted)[0].as<bool>()) return std::nullopt;
  std::vector<OldRow> rows;
  pqxx::result result;
  try {
    pqxx::subtransaction sub(tx, "tide_adopt_read");
    result = sub.exec(query(tool, quoted));
    sub.commit();
  } catch (const pqxx::sql_error& e) {
    throw usage_error(fmt::format(
        "{}.{} is not {}'s table ({}): name the right one with --from-table", table.schema,
        table.table, tool_name(tool),
        e.sqlstate() == "42703" ? "a column it has is missing" : "SQLSTATE " + e.sqlstate()));
  }
  for (const auto& row : result) {
    rows.push_back(OldRow{row[0].as<std::string>(), row[1].as<bool>(), row[2].as<bool>(),
                          row[3].as<std::string>(), row[4].as<std::string>()});
  }
  return rows;
}

}  // namespace tide::adopt
