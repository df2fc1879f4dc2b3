// Structured fields for log lines: which migration step a line is about and what it measured.
// Text logs show only the message; JSON logs (--log-format json) carry the fields as well.
#pragma once

#include <string>

namespace tide {

struct LogFields {
  std::string version;   // empty: none
  std::string phase;     // expand, backfill, contract, down
  long long rows = -1;   // -1: none
  long long ms = -1;     // -1: none
  std::string sqlstate;  // the server's error code
};

inline LogFields step_fields(const std::string& version, const std::string& phase) {
  LogFields f;
  f.version = version;
  f.phase = phase;
  return f;
}
inline LogFields sqlstate_field(const std::string& sqlstate) {
  LogFields f;
  f.sqlstate = sqlstate;
  return f;
}

// Adds its fields to every log line of this thread while it lives (nested scopes add to the
// outer ones; a field set here hides the outer one).
class LogScope {
 public:
  explicit LogScope(const LogFields& fields);
  ~LogScope();
  LogScope(const LogScope&) = delete;
  LogScope& operator=(const LogScope&) = delete;

 private:
  LogFields outer_;
};

// The fields in force on this thread.
const LogFields& current_log_fields();

}  // namespace tide
