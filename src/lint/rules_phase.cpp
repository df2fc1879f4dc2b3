// Rules about which phase a statement belongs in. Expand (and its backfills) runs while the
// old code is still live, so it may only add; contract runs once no code uses the old shape.
#include <fmt/format.h>

#include "lint/rule.hpp"

namespace tide::lint {
namespace {

bool before_contract(const StatementContext& ctx) {
  return ctx.phase() == Phase::kExpand || ctx.phase() == Phase::kBackfill;
}

const char* kToContract =
    "move it to a '-- migrate:contract' section: tide contract runs it once every reader and "
    "writer has stopped using it";

const char* object_word(const std::string& object_type) {
  if (object_type == "OBJECT_TABLE") return "TABLE";
  if (object_type == "OBJECT_VIEW") return "VIEW";
  if (object_type == "OBJECT_MATVIEW") return "MATERIALIZED VIEW";
  if (object_type == "OBJECT_FOREIGN_TABLE") return "FOREIGN TABLE";
  if (object_type == "OBJECT_SCHEMA") return "SCHEMA";
  return nullptr;
}

// The object key Schema::created_at knows a dropped object by.
std::string object_key(const std::string& object_type, const std::string& key) {
  if (object_type == "OBJECT_VIEW") return "view:" + key;
  if (object_type == "OBJECT_MATVIEW") return "matview:" + key;
  if (object_type == "OBJECT_TABLE") return "table:" + key;
  return {};
}

}  // namespace

void check_drop_in_expand(const StatementContext& ctx, std::vector<Hit>& hits) {
  if (!before_contract(ctx)) return;
  const std::string phase = phase_name(ctx.phase());
  if (const Json* drop = ctx.as("DropStmt")) {
    const std::string type = drop->value("removeType", std::string());
    const char* word = object_word(type);
    if (!word) return;
    for (const Json& object : field(*drop, "objects")) {
      std::vector<std::string> names;
      if (const Json* list = node_body(object, "List")) {
        names = string_list(field(*list, "items"));
      } else {
        names = {string_value(object)};  // DROP SCHEMA names are bare strings
      }
      const std::string key = qualified_key(names);
      if (type == "OBJECT_TABLE" && !ctx.in_use(key)) continue;
      hits.push_back(
          {ctx.statement.line,
           fmt::format("DROP {} {} in {}: code that is still deployed uses it until "
                       "the new release is out everywhere",
                       word, type == "OBJECT_SCHEMA" ? names.back() : display_name(key), phase),
           kToContract, "",
           type == "OBJECT_SCHEMA" ? "schema:" + names.back() : object_key(type, key)});
    }
  } else if (const Json* truncate = ctx.as("TruncateStmt")) {
    for (const Json& rel : field(*truncate, "relations")) {
      const Json* rv = node_body(rel, "RangeVar");
      if (!rv || !ctx.existing(relation_key(*rv))) continue;
      hits.push_back({ctx.line_of(*rv),
                      fmt::format("TRUNCATE {} in {} deletes rows the running code still reads",
                                  display_name(relation_key(*rv)), phase),
                      kToContract});
    }
  }
  for_each_alter_cmd(ctx, [&](const Json& cmd) {
    const std::string table = relation_key(field(*ctx.as("AlterTableStmt"), "relation"));
    const std::string subtype = cmd.value("subtype", std::string());
    if (!ctx.in_use(table)) return;
    const std::string name = cmd.value("name", std::string());
    if (subtype == "AT_DropColumn") {
      hits.push_back({ctx.statement.line,
                      fmt::format("DROP COLUMN {}.{} in {}: the running code still selects or "
                                  "inserts it and fails once it is gone",
                                  display_name(table), name, phase),
                      kToContract});
    } else if (subtype == "AT_DropConstraint") {
      hits.push_back({ctx.statement.line,
                      fmt::format("DROP CONSTRAINT {} on {} in {}: the running code may rely on "
                                  "it (ON CONFLICT, cascades, data it assumes valid)",
                                  name, display_name(table), phase),
                      kToContract, "", "constraint:" + table + "/" + name});
    }
  });
}

void check_rename_in_expand(const StatementContext& ctx, std::vector<Hit>& hits) {
  if (!before_contract(ctx)) return;
  const char* fix =
      "add the new name in expand (new column + backfill + writes to both, or a view), switch "
      "the code over, and drop the old name in contract";
  if (const Json* rename = ctx.as("RenameStmt")) {
    const std::string type = rename->value("renameType", std::string());
    const std::string table = relation_key(field(*rename, "relation"));
    if (!ctx.in_use(table)) return;
    const std::string new_name = rename->value("newname", std::string());
    if (type == "OBJECT_COLUMN") {
      hits.push_back({ctx.statement.line,
                      fmt::format("RENAME COLUMN {}.{} to {} in {}: the running code still uses "
                                  "the old name and fails at once",
                                  display_name(table), rename->value("subname", std::string()),
                                  new_name, phase_name(ctx.phase())),
                      fix});
    } else if (object_word(type) && type != "OBJECT_SCHEMA") {
      hits.push_back(
          {ctx.statement.line,
           fmt::format("RENAME {} {} to {} in {}: the running code still uses the old "
                       "name and fails at once",
                       object_word(type), display_name(table), new_name, phase_name(ctx.phase())),
           fix});
    }
  } else if (const Json* move = ctx.as("AlterObjectSchemaStmt")) {
    const std::string table = relation_key(field(*move, "relation"));
    if (!move->contains("relation") || !ctx.in_use(table)) return;
    hits.push_back({ctx.statement.line,
                    fmt::format("SET SCHEMA {} moves {} in {}: the running code no longer finds it",
                                move->value("newschema", std::string()), display_name(table),
                                phase_name(ctx.phase())),
                    fix});
  }
}

void check_contract_adds(const StatementContext& ctx, std::vector<Hit>& hits) {
  if (ctx.phase() != Phase::kContract) return;
  const char* fix =
      "create it in expand, so the new code can rely on it as soon as it is deployed; contract "
      "is for removing what the old code needed";
  auto add = [&](const std::string& what) {
    hits.push_back({ctx.statement.line,
                    fmt::format("{} in contract: contract runs after the new code is live, so "
                                "nothing can depend on what it adds",
                                what),
                    fix});
  };
  if (const Json* create = ctx.as("CreateStmt")) {
    add("CREATE TABLE " + display_name(relation_key(field(*create, "relation"))));
  } else if (ctx.as("CreateTableAsStmt")) {
    add("CREATE TABLE AS");
  } else if (const Json* index = ctx.as("IndexStmt")) {
    add("CREATE INDEX " + index->value("idxname", std::string()));
  } else if (const Json* view = ctx.as("ViewStmt")) {
    if (!view->value("replace", false)) add("CREATE VIEW");
  } else if (ctx.as("CreateSeqStmt")) {
    add("CREATE SEQUENCE");
  }
  for_each_alter_cmd(ctx, [&](const Json& cmd) {
    if (cmd.value("subtype", std::string()) != "AT_AddColumn") return;
    const Json* col = node_body(field(cmd, "def"), "ColumnDef");
    add("ADD COLUMN " + (col ? col->value("colname", std::string()) : std::string()));
  });
}

void check_transaction_control(const StatementContext& ctx, std::vector<Hit>& hits) {
  const Json* tx = ctx.as("TransactionStmt");
  if (!tx) return;
  std::string kind = tx->value("kind", std::string());
  const std::string prefix = "TRANS_STMT_";
  if (kind.compare(0, prefix.size(), prefix) == 0) kind = kind.substr(prefix.size());
  for (char& c : kind) c = c == '_' ? ' ' : c;
  hits.push_back({ctx.statement.line,
                  fmt::format("{} inside a section: tide opens and commits each section's "
                              "transaction itself and records the migration in it, so this "
                              "breaks that guarantee",
                              kind),
                  "remove it; use '-- migrate:<section> transaction:false' for statements that "
                  "must run outside a transaction, or split the migration in two"});
}

void check_missing_down(const Migration& m, std::vector<Hit>& hits) {
  if (m.two_phase() || m.down || m.expand.line == 0) return;
  hits.push_back({m.expand.line,
                  "plain migration without a '-- migrate:down' section: tide down cannot revert it",
                  "add '-- migrate:down' with statements that undo the up section (or opt out "
                  "with '-- tide:allow missing-down because …' above the marker)"});
}

}  // namespace tide::lint
