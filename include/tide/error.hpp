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

}  // namespace tide
