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

std::optional<std::vector<OldRow>> read_old_table(Database& db, Tool tool,
                                                  const QualifiedName& table) {
  const std::string quoted = table.quoted();
  if (db.exec_params("SELECT to_regclass($1) IS NULL", {quoted}).as_bool(0, 0)) return std::nullopt;
  std::vector<OldRow> rows;
  SqlResult result;
  try {
    Savepoint sub(db, "tide_adopt_read");
    result = db.exec(query(tool, quoted));
    sub.release();
  } catch (const DatabaseError& e) {
    if (e.sqlstate().empty()) throw;
    throw usage_error(fmt::format(
        "{}.{} is not {}'s table ({}): name the right one with --from-table", table.schema,
        table.table, tool_name(tool),
        e.sqlstate() == "42703" ? "a column it has is missing" : "SQLSTATE " + e.sqlstate()));
  }
  for (size_t i = 0; i < result.size(); ++i) {
    rows.push_back(OldRow{result.text(i, 0), result.as_bool(i, 1), result.as_bool(i, 2),
                          result.text(i, 3), result.text(i, 4)});
  }
  return rows;
}

}  // namespace tide::adopt
