// The linter's model of the database, built from the statements of earlier migrations.
#include "lint/schema.hpp"

namespace tide::lint {
namespace {

// Built-in functions PostgreSQL marks VOLATILE that migrations commonly use as defaults.
const std::set<std::string>& volatile_builtins() {
  static const std::set<std::string> names = {"random",
                                              "clock_timestamp",
                                              "timeofday",
                                              "gen_random_uuid",
                                              "gen_random_bytes",
                                              "uuid_generate_v1",
                                              "uuid_generate_v1mc",
                                              "uuid_generate_v4",
                                              "nextval",
                                              "setval",
                                              "txid_current",
                                              "pg_current_xact_id",
                                              "random_normal",
                                              "dblink"};
  return names;
}

// CHECK (col IS NOT NULL), possibly one term of an AND: the column, or "".
std::string not_null_column(const Json& expr) {
  if (const Json* test = node_body(expr, "NullTest")) {
    if (test->value("nulltesttype", std::string()) != "IS_NOT_NULL") return {};
    const Json* ref = node_body(field(*test, "arg"), "ColumnRef");
    if (!ref) return {};
    const auto fields = string_list(field(*ref, "fields"));
    return fields.size() == 1 ? fields[0] : std::string();
  }
  if (const Json* b = node_body(expr, "BoolExpr")) {
    if (b->value("boolop", std::string()) != "AND_EXPR") return {};
    for (const Json& arg : field(*b, "args")) {
      std::string column = not_null_column(arg);
      if (!column.empty()) return column;
    }
  }
  return {};
}

}  // namespace

void Schema::begin_migration() {
  new_tables_.clear();
  new_indexes_.clear();
  emptied_tables_.clear();
  created_.clear();
  dropped_tables_.clear();
  ordinal_ = 0;
  zone_ = default_zone_;
  not_valid_in_transaction_.clear();
}

void Schema::begin_phase(Phase phase) {
  if (phase == Phase::kContract) {
    new_tables_.clear();
    new_indexes_.clear();
    emptied_tables_.clear();
  }
}

void Schema::end_transaction() {
  not_valid_in_transaction_.clear();
}

std::string Schema::index_table(const std::string& index_key) const {
  auto it = indexes_.find(index_key);
  return it == indexes_.end() ? std::string() : it->second;
}

const ColumnType* Schema::column_type(const std::string& table, const std::string& column) const {
  auto t = tables_.find(table);
  if (t == tables_.end()) return nullptr;
  auto c = t->second.columns.find(column);
  return c == t->second.columns.end() ? nullptr : &c->second;
}

bool Schema::has_validated_not_null_check(const std::string& table,
                                          const std::string& column) const {
  auto t = tables_.find(table);
  if (t == tables_.end()) return false;
  for (const auto& [name, check] : t->second.checks) {
    if (check.column == column && check.validated) return true;
  }
  return false;
}

bool Schema::added_not_valid_in_transaction(const std::string& table,
                                            const std::string& name) const {
  return not_valid_in_transaction_.count(table + "/" + name) > 0;
}

bool Schema::is_volatile_function(const std::string& name) const {
  auto it = functions_.find(name);
  if (it != functions_.end()) return it->second;
  return volatile_builtins().count(name) > 0;
}

int Schema::created_at(const std::string& object) const {
  auto it = created_.find(object);
  return it == created_.end() ? 0 : it->second;
}

int Schema::dropped_at(const std::string& table) const {
  auto it = dropped_tables_.find(table);
  return it == dropped_tables_.end() ? 0 : it->second;
}

bool Schema::is_indexed(const std::string& table, const std::string& column) const {
  auto it = indexed_.find(table);
  return it != indexed_.end() && it->second.count(column) > 0;
}

void Schema::apply(const Json& stmt) {
  ++ordinal_;
  const std::string& type = node_type(stmt);
  const Json& body = stmt.is_object() && !stmt.empty() ? stmt.begin().value() : stmt;
  if (type == "CreateStmt") {
    create_table(body);
  } else if (type == "CreateTableAsStmt") {
    const std::string key = relation_key(field(field(body, "into"), "rel"));
    tables_[key] = Table{};
    new_tables_.insert(key);
    const bool matview = body.value("objtype", std::string()) == "OBJECT_MATVIEW";
    created((matview ? "matview:" : "table:") + key);
  } else if (type == "ViewStmt") {
    created("view:" + relation_key(field(body, "view")));
  } else if (type == "AlterTableStmt") {
    alter_table(body);
  } else if (type == "IndexStmt") {
    const std::string table = relation_key(field(body, "relation"));
    const std::string schema = table.substr(0, table.find('.'));
    const std::string key = schema + "." + body.value("idxname", std::string());
    indexes_[key] = table;
    new_indexes_.insert(key);
    created("index:" + key);
    // A unique index takes over from a unique constraint of the same name (ON CONFLICT, …).
    if (body.value("unique", false)) {
      created("constraint:" + table + "/" + body.value("idxname", std::string()));
    }
    for (const Json& param : field(body, "indexParams")) {
      const Json* elem = node_body(param, "IndexElem");
      if (elem && elem->contains("name")) indexed_[table].insert(elem->value("name", ""));
    }
  } else if (type == "TruncateStmt") {
    for (const Json& rel : field(body, "relations")) {
      if (const Json* rv = node_body(rel, "RangeVar")) emptied_tables_.insert(relation_key(*rv));
    }
  } else if (type == "DeleteStmt") {
    if (!body.contains("whereClause") && !body.contains("usingClause")) {
      emptied_tables_.insert(relation_key(field(body, "relation")));
    }
  } else if (type == "VariableSetStmt") {
    const std::string name = body.value("name", std::string());
    if (name == "timezone") {
      const std::string kind = body.value("kind", std::string());
      const Json& args = field(body, "args");
      zone_.clear();
      if (kind == "VAR_SET_VALUE" && args.is_array() && args.size() == 1) {
        const Json* c = node_body(args[0], "A_Const");
        if (c && c->contains("sval")) zone_ = string_value({{"String", (*c)["sval"]}});
      } else if (kind == "VAR_SET_DEFAULT" || kind == "VAR_RESET") {
        zone_ = default_zone_;
      }
    }
  } else if (type == "CreateSchemaStmt") {
    created("schema:" + body.value("schemaname", std::string()));
  } else if (type == "RenameStmt") {
    rename(body);
  } else if (type == "DropStmt") {
    drop(body);
  } else if (type == "CreateFunctionStmt") {
    bool is_volatile = true;
    for (const Json& option : field(body, "options")) {
      const Json* def = node_body(option, "DefElem");
      if (def && def->value("defname", std::string()) == "volatility") {
        is_volatile = string_value(field(*def, "arg")) == "volatile";
      }
    }
    const auto names = string_list(field(body, "funcname"));
    if (!names.empty()) functions_[names.back()] = is_volatile;
  }
}

void Schema::create_table(const Json& create) {
  const std::string key = relation_key(field(create, "relation"));
  if (create.value("if_not_exists", false)) {
    // An earlier migration made it: nothing happens, the table keeps its rows and shape.
    if (tables_.count(key)) return;
    emptied_tables_.insert(key);  // unknown until now: no rows, but maybe in use
  } else {
    new_tables_.insert(key);
    created("table:" + key);
  }
  Table& t = tables_[key] = Table{};
  for (const Json& element : field(create, "tableElts")) {
    if (const Json* col = node_body(element, "ColumnDef")) {
      const std::string name = col->value("colname", std::string());
      t.columns[name] = lint::column_type(field(*col, "typeName"));
      for (const Json& c : field(*col, "constraints")) {
        const std::string ct = field(c, "Constraint").value("contype", std::string());
        if (ct == "CONSTR_PRIMARY" || ct == "CONSTR_UNIQUE") indexed_[key].insert(name);
      }
    } else if (const Json* c = node_body(element, "Constraint")) {
      add_constraint(key, t, *c);
    }
  }
}

void Schema::add_constraint(const std::string& table, Table& t, const Json& c) {
  const bool not_valid = c.value("skip_validation", false);
  std::string name = c.value("conname", std::string());
  if (!name.empty()) created("constraint:" + table + "/" + name);
  const std::string contype = c.value("contype", std::string());
  if (contype == "CONSTR_PRIMARY" || contype == "CONSTR_UNIQUE") {
    for (const std::string& column : string_list(field(c, "keys"))) indexed_[table].insert(column);
  }
  if (not_valid && !name.empty()) not_valid_in_transaction_.insert(table + "/" + name);
  if (c.value("contype", std::string()) != "CONSTR_CHECK") return;
  if (name.empty()) name = "#" + std::to_string(t.checks.size());
  t.checks[name] = Check{not_null_column(field(c, "raw_expr")), !not_valid};
}

void Schema::alter_table(const Json& alter) {
  const std::string key = relation_key(field(alter, "relation"));
  Table& t = tables_[key];
  for (const Json& item : field(alter, "cmds")) {
    const Json* cmd = node_body(item, "AlterTableCmd");
    if (!cmd) continue;
    const std::string subtype = cmd->value("subtype", std::string());
    const std::string name = cmd->value("name", std::string());
    const Json& def = field(*cmd, "def");
    if (subtype == "AT_AddColumn" || subtype == "AT_AlterColumnType") {
      if (const Json* col = node_body(def, "ColumnDef")) {
        const std::string column = subtype == "AT_AddColumn" ? col->value("colname", name) : name;
        t.columns[column] = lint::column_type(field(*col, "typeName"));
      }
    } else if (subtype == "AT_DropColumn") {
      t.columns.erase(name);
    } else if (subtype == "AT_AddConstraint") {
      if (const Json* c = node_body(def, "Constraint")) add_constraint(key, t, *c);
    } else if (subtype == "AT_ValidateConstraint") {
      auto it = t.checks.find(name);
      if (it != t.checks.end()) it->second.validated = true;
    } else if (subtype == "AT_DropConstraint") {
      t.checks.erase(name);
    }
  }
}

void Schema::rename(const Json& rename) {
  const std::string type = rename.value("renameType", std::string());
  const std::string key = relation_key(field(rename, "relation"));
  const std::string new_name = rename.value("newname", std::string());
  const std::string schema = key.substr(0, key.find('.'));
  if (type == "OBJECT_TABLE") {
    auto node = tables_.extract(key);
    const std::string new_key = schema + "." + new_name;
    if (!node.empty()) {
      node.key() = new_key;
      tables_.insert(std::move(node));
    }
    if (new_tables_.erase(key)) new_tables_.insert(new_key);
    for (auto& [index, table] : indexes_) {
      if (table == key) table = new_key;
    }
  } else if (type == "OBJECT_COLUMN") {
    auto t = tables_.find(key);
    if (t == tables_.end()) return;
    auto node = t->second.columns.extract(rename.value("subname", std::string()));
    if (!node.empty()) {
      node.key() = new_name;
      t->second.columns.insert(std::move(node));
    }
  }
}

void Schema::drop(const Json& drop) {
  const std::string type = drop.value("removeType", std::string());
  for (const Json& object : field(drop, "objects")) {
    const Json* list = node_body(object, "List");
    if (!list) continue;
    const std::string key = qualified_key(string_list(field(*list, "items")));
    if (type == "OBJECT_TABLE") {
      tables_.erase(key);
      new_tables_.erase(key);
      emptied_tables_.erase(key);
      indexed_.erase(key);
      dropped_tables_[key] = ordinal_;
    } else if (type == "OBJECT_INDEX") {
      indexes_.erase(key);
      new_indexes_.erase(key);
    }
  }
}

}  // namespace tide::lint
