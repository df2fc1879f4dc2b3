// The structured fields of the current log lines, per thread.
#include "tide/util/log_fields.hpp"

namespace tide {
namespace {
thread_local LogFields current;
}  // namespace

LogScope::LogScope(const LogFields& fields) : outer_(current) {
  if (!fields.version.empty()) current.version = fields.version;
  if (!fields.phase.empty()) current.phase = fields.phase;
  if (fields.rows >= 0) current.rows = fields.rows;
  if (fields.ms >= 0) current.ms = fields.ms;
  if (!fields.sqlstate.empty()) current.sqlstate = fields.sqlstate;
}

LogScope::~LogScope() {
  current = outer_;
}

const LogFields& current_log_fields() {
  return current;
}

}  // namespace tide
