// What the metadata table says about each migration, as plain data.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "tide/migration/migration.hpp"

namespace tide {

enum class State { kPending, kBackfilling, kApplied, kExpanded, kContracted, kFailed };
const char* state_name(State s);
std::optional<State> parse_state(const std::string& s);

// One row of the metadata table.
struct Record {
  Version version;
  std::string name;
  std::string checksum;
  State state = State::kPending;
  std::string expanded_at;  // ISO-8601 text as the server printed it; empty when not yet
  long long expand_ms = -1;
  std::string contracted_at;
  long long contract_ms = -1;
  std::string applied_by;
  std::string client_host;
  std::string tool_version;
  // Backfill progress: which backfill section runs, the last key it finished, rows so far.
  int backfill_section = 0;
  std::optional<std::string> backfill_last_key;
  long long backfill_rows = 0;
  // For `failed`: the state to return to when `tide repair` clears it (nullopt: pending).
  std::optional<State> failed_from;
  std::string error;
};

// The state a migration ends in once expand (and backfill) finished.
State state_after_expand(const Migration& m);

}  // namespace tide
