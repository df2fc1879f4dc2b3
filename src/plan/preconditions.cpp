// What earlier steps of a plan may change about a keyed backfill's table, so that the catalog
// check before the run knows which of its findings the run itself may still fix. Pure: the
// statements are read with the PostgreSQL parser (libpg_query), never run.
#include <pg_query.h>

#include <nlohmann/json.hpp>

#include "tide/plan/plan.hpp"

namespace tide {
namespace {

bool is_relation(const nlohmann::json& range_var, const std::string& schema,
                 const std::string& name) {
  return range_var.is_object() && range_var.value("relname", std::string()) == name &&
         (schema.empty() || range_var.value("schemaname", schema) == schema);
}

// What statement `sql` may do to the table: sets the flags of `check`. A statement the parser
// cannot read and that mentions the table may do anything.
void note_effects(const std::string& sql, const std::string& table, const std::string& key,
                  BackfillCheck& check) {
  const size_t dot = table.find('.');
  const std::string schema = dot == std::string::npos ? "" : table.substr(0, dot);
  const std::string name = dot == std::string::npos ? table : table.substr(dot + 1);
  if (sql.find(name) == std::string::npos) return;  // fast path: not even as text
  PgQueryParseResult result = pg_query_parse(sql.c_str());
  nlohmann::json tree;
  if (!result.error) tree = nlohmann::json::parse(result.parse_tree, nullptr, false);
  pg_query_free_parse_result(result);
  if (!tree.is_object()) {
    check.may_create_table = check.may_add_column = check.may_change_keys = true;
    return;
  }
  for (const auto& raw : tree.value("stmts", nlohmann::json::array())) {
    const nlohmann::json& stmt = raw.value("stmt", nlohmann::json::object());
    if (!stmt.is_object() || stmt.empty()) continue;
    const std::string type = stmt.begin().key();
    const nlohmann::json& body = stmt.begin().value();
    if (type == "CreateStmt" &&
        is_relation(body.value("relation", nlohmann::json()), schema, name)) {
      check.may_create_table = check.may_add_column = check.may_change_keys = true;
    } else if (type == "CreateTableAsStmt") {
      const auto into = body.value("into", nlohmann::json::object());
      if (is_relation(into.value("rel", nlohmann::json()), schema, name)) {
        check.may_create_table = check.may_add_column = check.may_change_keys = true;
      }
    } else if (type == "RenameStmt") {
      if (is_relation(body.value("relation", nlohmann::json()), schema, name) ||
          body.value("newname", std::string()) == name) {
        check.may_create_table = check.may_add_column = check.may_change_keys = true;
      }
    } else if (type == "IndexStmt" &&
               is_relation(body.value("relation", nlohmann::json()), schema, name)) {
      check.may_change_keys = true;
    } else if (type == "AlterTableStmt" &&
               is_relation(body.value("relation", nlohmann::json()), schema, name)) {
      for (const auto& cmd : body.value("cmds", nlohmann::json::array())) {
        const auto& alter = cmd.value("AlterTableCmd", nlohmann::json::object());
        const std::string sub = alter.value("subtype", std::string());
        if (sub == "AT_AddColumn") {
          // ADD COLUMN … PRIMARY KEY / UNIQUE / NOT NULL makes a new key.
          const auto& def = alter.value("def", nlohmann::json::object())
                                .value("ColumnDef", nlohmann::json::object());
          if (key.empty() || def.value("colname", std::string()) == key) {
            check.may_add_column = true;
          }
          for (const auto& c : def.value("constraints", nlohmann::json::array())) {
            const std::string type =
                c.value("Constraint", nlohmann::json::object()).value("contype", std::string());
            if (type == "CONSTR_PRIMARY" || type == "CONSTR_UNIQUE" || type == "CONSTR_NOTNULL") {
              check.may_change_keys = true;
            }
          }
        }
        if (sub == "AT_AddConstraint" || sub == "AT_SetNotNull" || sub == "AT_AddIndex" ||
            sub == "AT_AddIndexConstraint" || sub == "AT_AlterColumnType" ||
            sub == "AT_AddIdentity") {
          check.may_change_keys = true;
        }
      }
    }
  }
}

}  // namespace

std::vector<BackfillCheck> backfill_checks(const Plan& plan) {
  std::vector<BackfillCheck> checks;
  for (size_t i = 0; i < plan.steps.size(); ++i) {
    const Step& s = plan.steps[i];
    if (s.phase != Phase::kBackfill || !s.section->keyed()) continue;
    BackfillCheck check;
    check.step = &s;
    for (size_t j = 0; j < i; ++j) {
      const Step& earlier = plan.steps[j];
      if (earlier.phase == Phase::kBackfill) continue;  // backfills change rows, not the schema
      for (const Statement& st : earlier.section->statements) {
        note_effects(st.sql, s.section->table, s.section->key, check);
      }
    }
    checks.push_back(check);
  }
  return checks;
}

}  // namespace tide
