// The one classification of database errors by SQLSTATE, and the DatabaseErrors the session
// raises: the text main() shows, and the server's first line for file:line messages.
#include <string>

#include "tide/error.hpp"

namespace tide {
namespace {

// The server's first line without its severity ("ERROR:  relation … does not exist").
std::string first_line(std::string message) {
  if (const size_t nl = message.find('\n'); nl != std::string::npos) message.resize(nl);
  for (const char* prefix : {"ERROR:  ", "FATAL:  "}) {
    if (message.rfind(prefix, 0) == 0) message.erase(0, std::char_traits<char>::length(prefix));
  }
  return message;
}

}  // namespace

std::string DatabaseError::detail() const {
  return first_line(text_);
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
