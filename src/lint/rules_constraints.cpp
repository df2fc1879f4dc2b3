// Rules about adding constraints to tables that hold rows: checking existing rows and
// building indexes must not happen while an exclusive lock blocks the application.
#include <fmt/format.h>

#include "lint/rule.hpp"

namespace tide::lint {
namespace {

struct AddedConstraint {
  std::string table;
  const Json* constraint;    // Constraint body
  std::string column;        // set when the constraint is part of ADD COLUMN
  bool has_default = false;  // ADD COLUMN with a DEFAULT (the new column is not all NULL)
};

// Every constraint an ALTER TABLE adds to an existing table, table-level or in ADD COLUMN.
template <typename Visit>
void for_each_added_constraint(const StatementContext& ctx, Visit visit) {
  for_each_alter_cmd(ctx, [&](const Json& cmd) {
    const std::string table = relation_key(field(*ctx.as("AlterTableStmt"), "relation"));
    if (!ctx.existing(table)) return;
    const std::string subtype = cmd.value("subtype", std::string());
    const Json& def = field(cmd, "def");
    if (subtype == "AT_AddConstraint") {
      if (const Json* c = node_body(def, "Constraint")) visit(AddedConstraint{table, c, ""});
    } else if (subtype == "AT_AddColumn") {
      const Json* col = node_body(def, "ColumnDef");
      if (!col) return;
      bool has_default = false;
      for (const Json& item : field(*col, "constraints")) {
        const std::string t = field(item, "Constraint").value("contype", std::string());
        has_default = has_default || t == "CONSTR_DEFAULT" || t == "CONSTR_IDENTITY" ||
                      t == "CONSTR_GENERATED";
      }
      for (const Json& item : field(*col, "constraints")) {
        if (const Json* c = node_body(item, "Constraint")) {
          visit(AddedConstraint{table, c, col->value("colname", std::string()), has_default});
        }
      }
    }
  });
}

std::string constraint_label(const AddedConstraint& a, const char* kind) {
  const std::string name = a.constraint->value("conname", std::string());
  std::string label = std::string(kind) + (name.empty() ? "" : " " + name);
  return a.column.empty() ? label : label + " on new column " + a.column;
}

}  // namespace

void check_constraint_not_valid(const StatementContext& ctx, std::vector<Hit>& hits) {
  for_each_added_constraint(ctx, [&](const AddedConstraint& a) {
    const std::string type = a.constraint->value("contype", std::string());
    const bool fk = type == "CONSTR_FOREIGN";
    if ((!fk && type != "CONSTR_CHECK") || a.constraint->value("skip_validation", false)) return;
    // A new column without a default is NULL in every row: PostgreSQL skips validating its
    // foreign key (transformFKConstraints in parse_utilcmd.c).
    if (fk && !a.column.empty() && !a.has_default) return;
    const std::string what = constraint_label(a, fk ? "FOREIGN KEY" : "CHECK");
    hits.push_back(
        {ctx.line_of(*a.constraint),
         fmt::format("{} on {} without NOT VALID checks every existing row while holding a lock "
                     "that blocks writes{}",
                     what, display_name(a.table),
                     fk ? " (on the referenced table too)" : " (ACCESS EXCLUSIVE)"),
         a.column.empty()
             ? "add it with NOT VALID (new rows are checked at once), then run ALTER TABLE … "
               "VALIDATE CONSTRAINT in a later transaction: it checks old rows without blocking"
             : "add the column first, then ADD CONSTRAINT … NOT VALID and VALIDATE CONSTRAINT in "
               "a later transaction",
         a.table});
  });
}

void check_validate_in_transaction(const StatementContext& ctx, std::vector<Hit>& hits) {
  if (!ctx.in_transaction) return;
  for_each_alter_cmd(ctx, [&](const Json& cmd) {
    if (cmd.value("subtype", std::string()) != "AT_ValidateConstraint") return;
    const std::string table = relation_key(field(*ctx.as("AlterTableStmt"), "relation"));
    const std::string name = cmd.value("name", std::string());
    if (!ctx.existing(table) || !ctx.schema.added_not_valid_in_transaction(table, name)) return;
    hits.push_back({ctx.statement.line,
                    fmt::format("VALIDATE CONSTRAINT {} runs in the transaction that added it NOT "
                                "VALID: the ADD's ACCESS EXCLUSIVE lock on {} is held during the "
                                "whole validation scan",
                                name, display_name(table)),
                    "validate in a later transaction: the next migration, a later section, or a "
                    "'transaction:false' section where each statement commits on its own",
                    table});
  });
}

void check_unique_without_index(const StatementContext& ctx, std::vector<Hit>& hits) {
  for_each_added_constraint(ctx, [&](const AddedConstraint& a) {
    const std::string type = a.constraint->value("contype", std::string());
    const char* kind = type == "CONSTR_UNIQUE"      ? "UNIQUE"
                       : type == "CONSTR_PRIMARY"   ? "PRIMARY KEY"
                       : type == "CONSTR_EXCLUSION" ? "EXCLUDE"
                                                    : nullptr;
    if (!kind || a.constraint->contains("indexname")) return;
    hits.push_back(
        {ctx.line_of(*a.constraint),
         fmt::format("{} on {} builds its index while holding an ACCESS EXCLUSIVE lock: reads and "
                     "writes wait for the whole build",
                     constraint_label(a, kind), display_name(a.table)),
         type == "CONSTR_EXCLUSION"
             ? "exclusion constraints cannot use an existing index: create it on an empty or new "
               "table, or opt out with a reason"
             : "CREATE UNIQUE INDEX CONCURRENTLY in a transaction:false section, then ALTER TABLE "
               "… ADD CONSTRAINT name " +
                   std::string(kind) + " USING INDEX index_name",
         a.table});
  });
}

}  // namespace tide::lint
