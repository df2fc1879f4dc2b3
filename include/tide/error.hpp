// The one error type of tide: a message for the user and the exit code it maps to.
// Core code throws tide::Error; only main() catches it and turns it into an exit code.
#pragma once

#include <stdexcept>
#include <string>

namespace tide {

// Exit codes, as documented in docs/cli.md. Their values are part of the interface.
enum class ExitCode : int {
  kOk = 0,
  kFailed = 1,      // a migration or database operation failed
  kUsage = 2,       // usage, configuration or connection-target error
  kValidation = 3,  // bad file, checksum changed, out of order, failed record, lint, refused down
  kLocked = 4,      // migration lock not acquired in time
  kPending = 5,     // pending work found by `status --fail-on-pending`
};

class Error : public std::runtime_error {
 public:
  Error(ExitCode code, const std::string& message) : std::runtime_error(message), code_(code) {}
  ExitCode code() const { return code_; }

 private:
  ExitCode code_;
};

// Shorthands for the common cases; each names what went wrong and, ideally, what to do.
inline Error usage_error(const std::string& m) {
  return Error(ExitCode::kUsage, m);
}
inline Error validation_error(const std::string& m) {
  return Error(ExitCode::kValidation, m);
}
inline Error db_error(const std::string& m) {
  return Error(ExitCode::kFailed, m);
}

// What a database error means for the caller: tide::classify_sqlstate() (tide/db/database.hpp)
// is the one place that reads SQLSTATEs; the session (the db layer's edge) adds what only the
// driver knows: the connection broke (no SQLSTATE), or broke during COMMIT.
enum class DbFailure {
  kOther,        // the statement failed (syntax, constraint, serialization 40001, …)
  kLockTimeout,  // 55P03 lock_not_available: roll back, retry with backoff
  kConnection,   // 08xxx, 57P01–57P03, or the connection broke: reconnect and re-plan
  kReadOnly,     // 25006: the server turned read-only (a failover): reconnect and re-plan
  kInDoubt,      // the connection broke during COMMIT: the records say whether it committed
};

// A failure reported by the database (or the connection to it), exit 1. what() is the message
// main() shows ("database error: …", "lost the database connection: …"); text() is the driver's
// own text; detail() its first line without "ERROR:", for messages that name file:line.
class DatabaseError : public Error {
 public:
  DatabaseError(DbFailure failure, std::string sqlstate, const std::string& message,
                std::string text)
      : Error(ExitCode::kFailed, message),
        failure_(failure),
        sqlstate_(std::move(sqlstate)),
        text_(std::move(text)) {}
  DbFailure failure() const { return failure_; }
  const std::string& sqlstate() const { return sqlstate_; }
  const std::string& text() const { return text_; }
  std::string detail() const {
    std::string line = text_.substr(0, text_.find('\n'));
    for (const std::string prefix : {"ERROR:  ", "FATAL:  "}) {
      if (line.rfind(prefix, 0) == 0) line.erase(0, prefix.size());
    }
    return line;
  }
  // A new connection may succeed where this one failed (the runner reconnects and re-plans).
  bool reconnectable() const {
    return failure_ == DbFailure::kConnection || failure_ == DbFailure::kReadOnly ||
           failure_ == DbFailure::kInDoubt;
  }

 private:
  DbFailure failure_;
  std::string sqlstate_;
  std::string text_;
};

}  // namespace tide
