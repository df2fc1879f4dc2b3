// Rules about column changes on tables that already hold rows: the ones that rewrite the
// table or scan it while holding an ACCESS EXCLUSIVE lock, which blocks every read and write.
#include <fmt/format.h>

#include <cctype>
#include <set>

#include "lint/rule.hpp"

namespace tide::lint {
namespace {

struct AddedColumn {
  std::string table;
  std::string name;
  const Json* def;  // ColumnDef body
};

template <typename Visit>
void for_each_added_column(const StatementContext& ctx, Visit visit) {
  for_each_alter_cmd(ctx, [&](const Json& cmd) {
    if (cmd.value("subtype", std::string()) != "AT_AddColumn") return;
    const std::string table = relation_key(field(*ctx.as("AlterTableStmt"), "relation"));
    const Json* col = node_body(field(cmd, "def"), "ColumnDef");
    if (col && ctx.existing(table)) visit(AddedColumn{table, col->value("colname", ""), col});
  });
}

// The Constraint bodies of a column definition.
std::vector<const Json*> constraints_of(const Json& column_def) {
  std::vector<const Json*> out;
  for (const Json& c : field(column_def, "constraints")) {
    if (const Json* body = node_body(c, "Constraint")) out.push_back(body);
  }
  return out;
}

bool has_constraint(const Json& column_def, std::initializer_list<const char*> types) {
  for (const Json* c : constraints_of(column_def)) {
    const std::string t = c->value("contype", std::string());
    for (const char* want : types) {
      if (t == want) return true;
    }
  }
  return false;
}

}  // namespace

void check_add_column_not_null(const StatementContext& ctx, std::vector<Hit>& hits) {
  for_each_added_column(ctx, [&](const AddedColumn& col) {
    if (!has_constraint(*col.def, {"CONSTR_NOTNULL", "CONSTR_PRIMARY"})) return;
    if (has_constraint(*col.def, {"CONSTR_DEFAULT", "CONSTR_IDENTITY", "CONSTR_GENERATED"})) return;
    const ColumnType type = column_type(field(*col.def, "typeName"));
    if (type.name.find("serial") != std::string::npos) return;  // serial has a default
    hits.push_back({ctx.line_of(*col.def),
                    fmt::format("ADD COLUMN {}.{} NOT NULL without a DEFAULT fails on a table "
                                "that has rows, and the running code's INSERTs do not set it",
                                display_name(col.table), col.name),
                    "add it nullable (or with a constant DEFAULT), fill it in a backfill section, "
                    "then add CHECK (" +
                        col.name +
                        " IS NOT NULL) NOT VALID, VALIDATE it and SET "
                        "NOT NULL in a later step"});
  });
}

void check_add_column_volatile_default(const StatementContext& ctx, std::vector<Hit>& hits) {
  for_each_added_column(ctx, [&](const AddedColumn& col) {
    std::string why;
    const ColumnType type = column_type(field(*col.def, "typeName"));
    static const std::set<std::string> serials = {"smallserial", "serial",  "bigserial",
                                                  "serial2",     "serial4", "serial8"};
    if (serials.count(type.name)) why = "a " + type.name + " column (a nextval() default)";
    for (const Json* c : constraints_of(*col.def)) {
      const std::string t = c->value("contype", std::string());
      if (t == "CONSTR_IDENTITY") why = "an identity column";
      if (t == "CONSTR_GENERATED") why = "a stored generated column";
      if (t != "CONSTR_DEFAULT") continue;
      for (const std::string& f : called_functions(field(*c, "raw_expr"))) {
        if (ctx.schema.is_volatile_function(f)) why = "a volatile default (" + f + "())";
      }
    }
    if (why.empty()) return;
    hits.push_back({ctx.line_of(*col.def),
                    fmt::format("ADD COLUMN {}.{} with {} rewrites the whole table under an ACCESS "
                                "EXCLUSIVE lock: every row gets its own value",
                                display_name(col.table), col.name, why),
                    "add the column without a default, then ALTER COLUMN … SET DEFAULT (new rows "
                    "only, no rewrite) and fill existing rows in a backfill section",
                    col.table});
  });
}

void check_alter_column_type(const StatementContext& ctx, std::vector<Hit>& hits) {
  for_each_alter_cmd(ctx, [&](const Json& cmd) {
    if (cmd.value("subtype", std::string()) != "AT_AlterColumnType") return;
    const std::string table = relation_key(field(*ctx.as("AlterTableStmt"), "relation"));
    const Json* def = node_body(field(cmd, "def"), "ColumnDef");
    if (!def || !ctx.existing(table)) return;
    const std::string column = cmd.value("name", std::string());
    const ColumnType to = column_type(field(*def, "typeName"));
    const ColumnType* from = ctx.schema.column_type(table, column);
    const bool using_clause = def->contains("raw_default");
    const char* fix =
        "add a new column of the new type, fill it in a backfill section, switch the code to it, "
        "and drop the old column in contract (widening varchar(n) or changing varchar to text "
        "needs no rewrite)";
    if (from && !using_clause && changes_without_rewrite(*from, to)) return;
    const bool to_tz = from && !using_clause && from->name == "timestamp" &&
                       to.name == "timestamptz" && from->array == to.array;
    if (to_tz && is_utc(ctx.schema.time_zone())) {
      if (!ctx.schema.is_indexed(table, column)) return;
      hits.push_back({ctx.line_of(*def),
                      fmt::format("ALTER COLUMN {}.{} TYPE {} does not rewrite the table (the "
                                  "session time zone is UTC) but rebuilds the indexes on the "
                                  "column under an ACCESS EXCLUSIVE lock",
                                  display_name(table), column, to.display()),
                      "build the new index concurrently on a new column, or accept the rebuild "
                      "on a small table",
                      table});
      return;
    }
    const std::string known =
        using_clause ? " (a USING clause always rewrites)"
        : to_tz ? " (timestamp → timestamptz skips the rewrite only when the session time zone "
                  "is UTC: SET timezone = 'UTC' first, or lint with --url to read it)"
        : from ? fmt::format(" ({} → {} is not binary-compatible)", from->display(), to.display())
               : " (no earlier migration shows the old type, so tide cannot prove otherwise)";
    hits.push_back({ctx.line_of(*def),
                    fmt::format("ALTER COLUMN {}.{} TYPE {} rewrites the table and rebuilds its "
                                "indexes under an ACCESS EXCLUSIVE lock{}",
                                display_name(table), column, to.display(), known),
                    fix, table});
  });
}

void check_set_not_null(const StatementContext& ctx, std::vector<Hit>& hits) {
  for_each_alter_cmd(ctx, [&](const Json& cmd) {
    if (cmd.value("subtype", std::string()) != "AT_SetNotNull") return;
    const std::string table = relation_key(field(*ctx.as("AlterTableStmt"), "relation"));
    const std::string column = cmd.value("name", std::string());
    if (!ctx.existing(table) || ctx.schema.has_validated_not_null_check(table, column)) return;
    hits.push_back(
        {ctx.statement.line,
         fmt::format("SET NOT NULL on {}.{} scans the whole table under an ACCESS "
                     "EXCLUSIVE lock: no validated CHECK ({} IS NOT NULL) proves it first",
                     display_name(table), column, column),
         fmt::format("first ADD CONSTRAINT {}_not_null CHECK ({} IS NOT NULL) NOT VALID, "
                     "then VALIDATE CONSTRAINT in a later transaction; SET NOT NULL then "
                     "skips the scan (PostgreSQL 12+) and the CHECK can be dropped",
                     column, column),
         table});
  });
}

}  // namespace tide::lint
