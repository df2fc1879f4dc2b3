// Planning: from files and records to the ordered steps a command will take.
// Pure: no database, no terminal. --dry-run, --rehearse and a real run share the Plan.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "tide/migration/migration.hpp"
#include "tide/migration/state.hpp"
#include "tide/util/enum_names.hpp"

namespace tide {

struct Step {
  const Migration* migration = nullptr;
  const Section* section = nullptr;
  Phase phase = Phase::kExpand;
  int backfill_index = 0;                       // which backfill section (Phase::kBackfill)
  std::optional<std::string> resume_after_key;  // keyed backfill: continue after this key
  long long resume_rows = 0;                    // rows already done by an earlier run
  State state_before = State::kPending;
  State state_after = State::kPending;  // record state once the step succeeded (kPending: deleted)
  bool transactional() const { return phase == Phase::kBackfill || section->transactional; }
};

// The command a plan is for, named as the user types it (--dry-run's header, JSON, messages).
enum class PlanCommand { kUp, kContract, kDown };
inline constexpr util::EnumName<PlanCommand> kPlanCommandNames[] = {
    {"up", PlanCommand::kUp}, {"contract", PlanCommand::kContract}, {"down", PlanCommand::kDown}};
constexpr std::string_view to_string(PlanCommand c) {
  return util::enum_name(kPlanCommandNames, c);
}

struct Plan {
  PlanCommand command = PlanCommand::kUp;
  std::vector<Step> steps;
};

struct UpOptions {
  std::optional<Version> to;
  bool contract = false;
};
struct DownOptions {
  int steps = 1;
  std::optional<Version> to;  // revert everything newer than this version
};

// The SET statements (without ';') that put a section's timeouts in force: lock_timeout
// always (the section's, else `default_lock_timeout`), statement_timeout when the section sets
// one. kTransaction: SET LOCAL, gone at COMMIT; kSession: SET, undone by reset_timeouts().
enum class SettingScope { kTransaction, kSession };
std::vector<std::string> timeout_settings(const Section& section, Millis default_lock_timeout,
                                          SettingScope scope);
std::vector<std::string> reset_timeouts(const Section& section);

// Problems that stop up/contract/down and fail validate: changed checksums, failed records,
// recorded versions without a file (a wrong directory must not look like "nothing to do"),
// out-of-order pending migrations (unless allowed). `status` shows missing files instead.
enum class OutOfOrder { refuse, allow };
std::vector<Problem> check_history(const MigrationSet& files, const std::vector<Record>& records,
                                   OutOfOrder out_of_order);

// A plan's steps point into `files` (Step::migration, Step::section): the overloads for
// temporary files, which would leave them dangling, are deleted.
Plan plan_up(const MigrationSet& files, const std::vector<Record>& records, const UpOptions& o);
Plan plan_up(MigrationSet&&, const std::vector<Record>&, const UpOptions&) = delete;
Plan plan_contract(const MigrationSet& files, const std::vector<Record>& records,
                   const std::optional<Version>& to);
Plan plan_contract(MigrationSet&&, const std::vector<Record>&,
                   const std::optional<Version>&) = delete;
// Throws tide::Error (exit 3) when a migration to revert is contracted, has no down or no file.
Plan plan_down(const MigrationSet& files, const std::vector<Record>& records, const DownOptions& o);
Plan plan_down(MigrationSet&&, const std::vector<Record>&, const DownOptions&) = delete;

// After a reconnect: the steps of `remaining` that are still to do according to the records
// as they are now (another runner may have done some meanwhile), backfills resuming from the
// recorded key. A step recorded done, by anyone, is dropped. Throws tide::Error (exit 3) when
// a record is `failed`.
Plan replan(const Plan& remaining, const std::vector<Record>& records);

// A keyed backfill whose table and key are checked against the catalog before the first step
// (and by --dry-run). Earlier steps of the plan may fix what the catalog lacks today: create the
// table, add the key column, or make the key unique / NOT NULL / primary; a problem of that kind
// is then checked only when it can be, inside the transaction of the migration's expand.
struct BackfillCheck {
  const Step* step = nullptr;
  bool may_create_table = false;
  bool may_add_column = false;
  bool may_change_keys = false;
};
std::vector<BackfillCheck> backfill_checks(const Plan& plan);
std::vector<BackfillCheck> backfill_checks(Plan&&) = delete;  // would point into a temporary

// A migration as `tide status` shows it: files ∪ records.
struct StatusRow {
  Version version;
  std::string name;
  State state = State::kPending;
  bool changed = false;  // file checksum differs from the record
  bool missing = false;  // recorded, file gone
  bool two_phase = false;
  const Record* record = nullptr;
  const Migration* migration = nullptr;
};
std::vector<StatusRow> status_rows(const MigrationSet& files, const std::vector<Record>& records);
// A row points into the files and the records: neither may be a temporary.
std::vector<StatusRow> status_rows(MigrationSet&&, const std::vector<Record>&) = delete;
std::vector<StatusRow> status_rows(const MigrationSet&, std::vector<Record>&&) = delete;

}  // namespace tide
