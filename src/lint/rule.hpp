// The contract between the linter and its rules: what a rule sees for one statement or
// one migration, and how it reports. Rules are listed, with their names and default
// severities, in rules.cpp; they are grouped by theme in rules_*.cpp.
#pragma once

#include <string>
#include <vector>

#include "lint/schema.hpp"
#include "lint/tree.hpp"
#include "tide/lint/lint.hpp"

namespace tide::lint {

// A finding before severities and opt-out comments are applied.
struct Hit {
  int line = 0;
  std::string message;
  std::string fix;
  // The table whose rows the finding is about ("schema.name"): a connected lint weighs the
  // finding by that table's size. Empty for findings that do not depend on size.
  std::string table = {};
  // The object a DROP removes ("view:public.v", see Schema::created_at): when a later
  // statement of the same migration creates it again, it is a replacement, not a removal.
  std::string replaces = {};
  // The finding no longer matters when a later statement of the migration drops `table`
  // (e.g. DROP INDEX right before DROP TABLE of its table).
  bool moot_if_table_dropped = false;
};

// One statement, as a rule sees it.
struct StatementContext {
  const Migration& migration;
  const Section& section;
  const Statement& statement;
  const Json& stmt;      // the statement node, e.g. {"AlterTableStmt": {...}}
  const Schema& schema;  // what earlier statements and migrations created
  bool in_transaction;   // runs inside a transaction (not a transaction:false section)

  // The body of the statement node when it is of `type`, else nullptr.
  const Json* as(const char* type) const { return node_body(stmt, type); }
  // The file line of a node body (its "location"), or the statement's first line.
  int line_of(const Json& body) const;
  // Existing tables hold rows that live traffic reads and writes (not created nor emptied
  // earlier in this migration).
  bool existing(const std::string& table_key) const { return !schema.is_empty_table(table_key); }
  // Tables the deployed code already uses (not created earlier in this migration).
  bool in_use(const std::string& table_key) const { return !schema.is_new_table(table_key); }
  Phase phase() const { return section.phase; }
};

using StatementCheck = void (*)(const StatementContext&, std::vector<Hit>&);
using MigrationCheck = void (*)(const Migration&, std::vector<Hit>&);

struct Rule {
  RuleInfo info;
  StatementCheck check_statement = nullptr;  // one of the two
  MigrationCheck check_migration = nullptr;
  bool in_down = false;  // down sections are emergency reverts: only rules marked here apply
};

// Every rule, in documentation order.
const std::vector<Rule>& rule_table();

// Calls `visit(cmd_body, line)` for each AlterTableCmd of an ALTER TABLE statement.
template <typename Visit>
void for_each_alter_cmd(const StatementContext& ctx, Visit visit) {
  const Json* alter = ctx.as("AlterTableStmt");
  if (!alter) return;
  for (const Json& item : alter->value("cmds", Json::array())) {
    if (const Json* cmd = node_body(item, "AlterTableCmd")) visit(*cmd);
  }
}

// The rule functions, by theme.
// rules_phase.cpp: what belongs in which phase.
void check_drop_in_expand(const StatementContext&, std::vector<Hit>&);
void check_rename_in_expand(const StatementContext&, std::vector<Hit>&);
void check_contract_adds(const StatementContext&, std::vector<Hit>&);
void check_transaction_control(const StatementContext&, std::vector<Hit>&);
void check_missing_down(const Migration&, std::vector<Hit>&);
// rules_columns.cpp: column changes that rewrite or scan a table.
void check_add_column_not_null(const StatementContext&, std::vector<Hit>&);
void check_add_column_volatile_default(const StatementContext&, std::vector<Hit>&);
void check_alter_column_type(const StatementContext&, std::vector<Hit>&);
void check_set_not_null(const StatementContext&, std::vector<Hit>&);
// rules_constraints.cpp: constraints that scan a table under a strong lock.
void check_constraint_not_valid(const StatementContext&, std::vector<Hit>&);
void check_validate_in_transaction(const StatementContext&, std::vector<Hit>&);
void check_unique_without_index(const StatementContext&, std::vector<Hit>&);
// rules_locks.cpp: indexes, explicit locks, rewrites.
void check_index_concurrently(const StatementContext&, std::vector<Hit>&);
void check_concurrently_in_transaction(const StatementContext&, std::vector<Hit>&);
void check_vacuum_full_cluster(const StatementContext&, std::vector<Hit>&);
void check_lock_table(const StatementContext&, std::vector<Hit>&);
// rules_backfill.cpp: batched data changes.
void check_unbounded_backfill(const StatementContext&, std::vector<Hit>&);
void check_backfill_no_progress(const StatementContext&, std::vector<Hit>&);
void check_unbatched_update(const StatementContext&, std::vector<Hit>&);

}  // namespace tide::lint
