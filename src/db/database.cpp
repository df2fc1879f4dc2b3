// The one classification of database errors by SQLSTATE, and the DatabaseErrors the session
// (and the unit tests' fake) raise, with the text main() shows.
#include <string>

#include "tide/db/database.hpp"

namespace tide {

void Database::exec_rows(const std::string& sql, const std::function<void(const RowView&)>& row) {
  const SqlResult result = exec(sql);
  RowView view;
  for (const auto& fields : result.rows) {
    view.clear();
    for (const auto& f : fields) {
      view.push_back(f ? std::optional<std::string_view>(*f) : std::nullopt);
    }
    row(view);
  }
}

DbFailure classify_sqlstate(const std::string& sqlstate) {
  if (sqlstate == "55P03") return DbFailure::kLockTimeout;
  if (sqlstate == "25006") return DbFailure::kReadOnly;
  // connection exceptions; admin_shutdown, crash_shutdown, cannot_connect_now
  if (sqlstate.rfind("08", 0) == 0 || sqlstate == "57P01" || sqlstate == "57P02" ||
      sqlstate == "57P03") {
    return DbFailure::kConnection;
  }
  return DbFailure::kOther;
}

DatabaseError server_error(const std::string& sqlstate, const std::string& text) {
  return DatabaseError(classify_sqlstate(sqlstate), sqlstate, "database error: " + text, text);
}

DatabaseError connection_error(const std::string& text, bool in_commit) {
  if (in_commit) return DatabaseError(DbFailure::kInDoubt, "", text, text);
  return DatabaseError(DbFailure::kConnection, "", "lost the database connection: " + text, text);
}

}  // namespace tide
