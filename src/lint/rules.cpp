// The rule table: every rule's stable name, default severity and one-line summary, in the
// order docs/lint.md lists them. Names are an interface: configs and opt-out comments use them.
#include <algorithm>

#include "lint/rule.hpp"

namespace tide::lint {

const std::vector<Rule>& rule_table() {
  constexpr Severity E = Severity::kError, W = Severity::kWarning;
  static const std::vector<Rule> table = {
      {{"drop-in-expand", E,
        "DROP TABLE/COLUMN/CONSTRAINT or TRUNCATE before contract breaks code still using it"},
       check_drop_in_expand},
      {{"rename-in-expand", E, "renaming a table or column before contract breaks running code"},
       check_rename_in_expand},
      {{"add-column-not-null", E,
        "ADD COLUMN … NOT NULL without a DEFAULT fails on a table that has rows"},
       check_add_column_not_null},
      {{"add-column-volatile-default", E,
        "ADD COLUMN with a volatile default, serial, identity or stored generated column "
        "rewrites the table"},
       check_add_column_volatile_default},
      {{"alter-column-type", E, "ALTER COLUMN … TYPE rewrites the table and its indexes"},
       check_alter_column_type},
      {{"set-not-null", E,
        "SET NOT NULL scans the table under an exclusive lock unless a validated CHECK proves it"},
       check_set_not_null},
      {{"constraint-not-valid", E,
        "ADD FOREIGN KEY/CHECK without NOT VALID scans the table under a strong lock"},
       check_constraint_not_valid},
      {{"validate-in-transaction", E,
        "VALIDATE CONSTRAINT in the transaction that added it keeps the exclusive lock"},
       check_validate_in_transaction},
      {{"unique-without-index", E,
        "ADD UNIQUE/PRIMARY KEY builds its index under an exclusive lock; use USING INDEX"},
       check_unique_without_index},
      {{"index-concurrently", E,
        "CREATE/DROP/REINDEX INDEX without CONCURRENTLY blocks writes to an existing table"},
       check_index_concurrently},
      {{"concurrently-in-transaction", E,
        "CONCURRENTLY cannot run in a transaction: the section needs transaction:false"},
       check_concurrently_in_transaction,
       nullptr,
       true},
      {{"vacuum-full-or-cluster", E,
        "VACUUM FULL and CLUSTER rewrite the table under an exclusive lock"},
       check_vacuum_full_cluster},
      {{"lock-table", E, "LOCK TABLE blocks traffic for the rest of the transaction"},
       check_lock_table},
      {{"transaction-control", E,
        "BEGIN/COMMIT/ROLLBACK/SAVEPOINT in a section fight tide's own transactions"},
       check_transaction_control,
       nullptr,
       true},
      {{"unbounded-backfill", E,
        "a backfill statement must touch one batch: a LIMIT subquery or a $1/$2 key range"},
       check_unbounded_backfill},
      {{"backfill-no-progress", E,
        "a plain backfill UPDATE whose LIMIT subquery has no WHERE never reaches 0 rows"},
       check_backfill_no_progress},
      {{"unbatched-update", W,
        "UPDATE/DELETE of a whole existing table in one transaction: use a backfill section"},
       check_unbatched_update},
      {{"contract-adds", W, "contract should only remove: new objects belong in expand"},
       check_contract_adds},
      {{"missing-down", W, "a plain migration without a down section cannot be reverted"},
       nullptr,
       check_missing_down},
      {{"invalid-allow", E,
        "a -- tide:allow comment must name known rules and give a reason after 'because'"},
       nullptr,
       nullptr,
       true},
      {{"unused-allow", W, "a -- tide:allow comment that suppresses nothing"},
       nullptr,
       nullptr,
       true},
  };
  return table;
}

const std::vector<RuleInfo>& rules() {
  static const std::vector<RuleInfo> infos = [] {
    std::vector<RuleInfo> out;
    for (const Rule& r : rule_table()) out.push_back(r.info);
    return out;
  }();
  return infos;
}

const RuleInfo* find_rule(const std::string& name) {
  const auto& all = rules();
  auto it = std::find_if(all.begin(), all.end(), [&](const RuleInfo& r) { return r.name == name; });
  return it == all.end() ? nullptr : &*it;
}

const char* severity_name(Severity s) {
  switch (s) {
    case Severity::kOff:
      return "off";
    case Severity::kInfo:
      return "info";
    case Severity::kWarning:
      return "warning";
    case Severity::kError:
      return "error";
  }
  return "?";
}

std::optional<Severity> parse_severity(const std::string& text) {
  if (text == "off") return Severity::kOff;
  if (text == "info") return Severity::kInfo;
  if (text == "warning" || text == "warn") return Severity::kWarning;
  if (text == "error") return Severity::kError;
  return std::nullopt;
}

}  // namespace tide::lint
