// Rules about data changes: a backfill statement runs again and again (plain) or once per
// key range (keyed), each run its own short transaction, so each run must touch one batch.
#include <fmt/format.h>

#include <set>

#include "lint/rule.hpp"

namespace tide::lint {
namespace {

bool is_dml(const StatementContext& ctx) {
  return ctx.as("UpdateStmt") || ctx.as("DeleteStmt") || ctx.as("InsertStmt");
}

// The first SELECT with a LIMIT anywhere in the statement (subquery, CTE, INSERT … SELECT).
const Json* limited_select(const Json& stmt) {
  const Json* found = nullptr;
  for_each_node(stmt, [&](const std::string& type, const Json& body) {
    if (!found && type == "SelectStmt" && body.contains("limitCount")) found = &body;
  });
  return found;
}

const Json& unwrap_cast(const Json& node) {
  const Json* cast = node_body(node, "TypeCast");
  if (!cast) return node;
  auto arg = cast->find("arg");
  return arg == cast->end() ? node : *arg;
}

std::string column_name(const Json& node) {
  const Json* ref = node_body(unwrap_cast(node), "ColumnRef");
  if (!ref) return {};
  const auto fields = string_list(field(*ref, "fields"));
  return fields.empty() ? std::string() : fields.back();
}

int param_number(const Json& node) {
  const Json* p = node_body(unwrap_cast(node), "ParamRef");
  return p ? p->value("number", 0) : 0;
}

// Which of $1/$2 bound a column (`col BETWEEN $1 AND $2`, `col >= $1`, …), and which column.
void range_params(const Json& where, std::set<int>& params, std::set<std::string>& columns) {
  static const std::set<std::string> ops = {"<", "<=", ">", ">=", "="};
  for_each_node(where, [&](const std::string& type, const Json& e) {
    if (type != "A_Expr") return;
    const std::string kind = e.value("kind", std::string());
    const Json& l = field(e, "lexpr");
    const Json& r = field(e, "rexpr");
    if (kind == "AEXPR_BETWEEN" && !column_name(l).empty()) {
      const Json* list = node_body(r, "List");
      for (const Json& item : list ? field(*list, "items") : Json::array()) {
        if (int n = param_number(item)) params.insert(n), columns.insert(column_name(l));
      }
    } else if (kind == "AEXPR_OP") {
      const auto name = string_list(field(e, "name"));
      if (name.size() != 1 || !ops.count(name[0])) return;
      if (int n = param_number(r); n && !column_name(l).empty()) {
        params.insert(n), columns.insert(column_name(l));
      } else if (int m = param_number(l); m && !column_name(r).empty()) {
        params.insert(m), columns.insert(column_name(r));
      }
    }
  });
}

const Json* where_clause(const StatementContext& ctx) {
  for (const char* type : {"UpdateStmt", "DeleteStmt"}) {
    if (const Json* b = ctx.as(type))
      return b->contains("whereClause") ? &(*b)["whereClause"] : nullptr;
  }
  if (const Json* insert = ctx.as("InsertStmt")) {
    const Json* select = node_body(field(*insert, "selectStmt"), "SelectStmt");
    return select && select->contains("whereClause") ? &(*select)["whereClause"] : nullptr;
  }
  return nullptr;
}

}  // namespace

void check_unbounded_backfill(const StatementContext& ctx, std::vector<Hit>& hits) {
  if (ctx.phase() != Phase::kBackfill || !is_dml(ctx)) return;
  if (!ctx.section.keyed()) {
    if (limited_select(ctx.stmt)) return;
    hits.push_back({ctx.statement.line,
                    "plain backfill statement without a LIMIT: its first run changes every row in "
                    "one transaction, holding all their row locks until it commits",
                    "limit each run, e.g. WHERE id IN (SELECT id FROM t WHERE <not done yet> LIMIT "
                    "5000), or make the section keyed (table:NAME) and use WHERE key BETWEEN $1 "
                    "AND $2"});
    return;
  }
  std::set<int> params;
  std::set<std::string> columns;
  if (const Json* where = where_clause(ctx)) range_params(*where, params, columns);
  const std::string& key = ctx.section.key;
  const bool bounded = params.count(1) && params.count(2);
  if (bounded && (key.empty() || columns.count(key))) return;
  hits.push_back({ctx.statement.line,
                  bounded
                      ? fmt::format("keyed backfill bounds {} with $1/$2, not its key column {}",
                                    *columns.begin(), key)
                      : "keyed backfill statement does not restrict rows to the batch: $1 and "
                        "$2 (first and last key) must bound the key in its WHERE clause",
                  fmt::format("write WHERE {} BETWEEN $1 AND $2 so that each run touches one batch",
                              key.empty() ? "<key>" : key)});
}

void check_backfill_no_progress(const StatementContext& ctx, std::vector<Hit>& hits) {
  if (ctx.phase() != Phase::kBackfill || ctx.section.keyed()) return;
  if (!ctx.as("UpdateStmt") && !ctx.as("InsertStmt")) return;
  const Json* select = limited_select(ctx.stmt);
  if (!select || select->contains("whereClause")) return;
  hits.push_back({ctx.statement.line,
                  "the LIMIT subquery has no WHERE: every run picks the same rows again, so it "
                  "never affects 0 rows and the backfill never ends",
                  "select only rows not done yet, e.g. (SELECT id FROM t WHERE new_col IS NULL "
                  "LIMIT 5000)"});
}

void check_unbatched_update(const StatementContext& ctx, std::vector<Hit>& hits) {
  if (ctx.phase() == Phase::kBackfill) return;
  for (const char* type : {"UpdateStmt", "DeleteStmt"}) {
    const Json* b = ctx.as(type);
    if (!b || b->contains("whereClause")) continue;
    const std::string table = relation_key(field(*b, "relation"));
    if (!ctx.existing(table)) continue;
    hits.push_back({ctx.statement.line,
                    fmt::format("{} of every row of {} in one transaction locks all of them until "
                                "it commits and can run for minutes on a big table",
                                type[0] == 'U' ? "UPDATE" : "DELETE", display_name(table)),
                    "move it to a '-- migrate:backfill' section that changes one batch per "
                    "transaction",
                    table});
  }
}

}  // namespace tide::lint
