// Which locks a statement takes, on which tables, and whether it rewrites or reads every row
// while holding them: PostgreSQL's documented lock levels ("Explicit Locking", table 13.2, and
// the ALTER TABLE reference) applied to the parse tree. Pure: the schema model built from
// earlier statements answers what the tree alone cannot (old column types, new tables).
#include "lint/locks.hpp"

#include <algorithm>

#include "lint/rule.hpp"

namespace tide::lint {
namespace {

// Lock modes from weakest to strongest (LOCKMODE numbering in lockdefs.h).
const char* const kModes[] = {
    "",      "ACCESS SHARE",        "ROW SHARE", "ROW EXCLUSIVE",   "SHARE UPDATE EXCLUSIVE",
    "SHARE", "SHARE ROW EXCLUSIVE", "EXCLUSIVE", "ACCESS EXCLUSIVE"};
enum Mode {
  kAccessShare = 1,
  kRowExclusive = 3,
  kShareUpdateExclusive = 4,
  kShare = 5,
  kShareRowExclusive = 6,
  kExclusive = 7,
  kAccessExclusive = 8
};

class Locks {
 public:
  explicit Locks(const Schema& schema) : schema_(schema) {}

  void take(const std::string& table, int mode, bool rewrites = false, bool scans = false) {
    if (table.empty() || table.back() == '.') return;
    auto it =
        std::find_if(out_.begin(), out_.end(), [&](const Lock& l) { return l.table == table; });
    if (it == out_.end()) it = out_.insert(out_.end(), Lock{table, 0, false, false});
    it->mode = std::max(it->mode, mode);
    it->rewrites = it->rewrites || rewrites;
    it->scans = it->scans || scans || rewrites;
  }

  void created(const std::string& table) { created_.push_back(table); }

  StatementLocks result() const {
    StatementLocks locks;
    for (const Lock& l : out_) {
      locks.push_back({l.table, kModes[l.mode], l.rewrites, l.scans,
                       schema_.is_empty_table(l.table) ||
                           std::count(created_.begin(), created_.end(), l.table) > 0});
    }
    return locks;
  }

 private:
  struct Lock {
    std::string table;
    int mode;
    bool rewrites, scans;
  };
  const Schema& schema_;
  std::vector<Lock> out_;
  std::vector<std::string> created_;  // by this statement: no rows yet
};

std::string referenced_table(const Json& constraint) {
  return relation_key(field(constraint, "pktable"));
}

bool has_contype(const Json& column_def, std::initializer_list<const char*> types) {
  for (const Json& c : field(column_def, "constraints")) {
    const std::string t = field(c, "Constraint").value("contype", std::string());
    for (const char* want : types) {
      if (t == want) return true;
    }
  }
  return false;
}

bool volatile_default(const Json& column_def, const Schema& schema) {
  const std::string type = column_type(field(column_def, "typeName")).name;
  if (type.find("serial") != std::string::npos) return true;
  if (has_contype(column_def, {"CONSTR_IDENTITY", "CONSTR_GENERATED"})) return true;
  for (const Json& c : field(column_def, "constraints")) {
    const Json* body = node_body(c, "Constraint");
    if (!body || body->value("contype", std::string()) != "CONSTR_DEFAULT") continue;
    for (const std::string& f : called_functions(field(*body, "raw_expr"))) {
      if (schema.is_volatile_function(f)) return true;
    }
  }
  return false;
}

void alter_table(const Json& alter, const Schema& schema, const std::string& time_zone,
                 Locks& locks) {
  const std::string table = relation_key(field(alter, "relation"));
  for (const Json& item : field(alter, "cmds")) {
    const Json* cmd = node_body(item, "AlterTableCmd");
    if (!cmd) continue;
    const std::string sub = cmd->value("subtype", std::string());
    const Json& def = field(*cmd, "def");
    const std::string column = cmd->value("name", std::string());
    if (sub == "AT_SetStatistics" || sub == "AT_ClusterOn" || sub == "AT_DropCluster" ||
        sub == "AT_SetRelOptions" || sub == "AT_ResetRelOptions" || sub == "AT_AttachPartition") {
      locks.take(table, kShareUpdateExclusive);
    } else if (sub == "AT_ValidateConstraint") {
      locks.take(table, kShareUpdateExclusive, false, true);
    } else if (sub == "AT_DetachPartition") {
      const bool concurrent = field(def, "PartitionCmd").value("concurrent", false);
      locks.take(table, concurrent ? kShareUpdateExclusive : kAccessExclusive);
    } else if (sub.rfind("AT_EnableTrig", 0) == 0 || sub.rfind("AT_DisableTrig", 0) == 0) {
      locks.take(table, kShareRowExclusive);
    } else if (sub == "AT_AddConstraint") {
      const Json* c = node_body(def, "Constraint");
      const std::string type = c ? c->value("contype", std::string()) : "";
      const bool validates = c && !c->value("skip_validation", false);
      if (type == "CONSTR_FOREIGN") {
        locks.take(table, kShareRowExclusive, false, validates);
        locks.take(referenced_table(*c), kShareRowExclusive);
      } else {
        const bool builds =
            (type == "CONSTR_UNIQUE" || type == "CONSTR_PRIMARY" || type == "CONSTR_EXCLUSION") &&
            !c->contains("indexname");
        locks.take(table, kAccessExclusive, false, builds || (type == "CONSTR_CHECK" && validates));
      }
    } else if (sub == "AT_AddColumn") {
      const Json* col = node_body(def, "ColumnDef");
      const bool rewrites = col && volatile_default(*col, schema);
      const bool has_default = col && has_contype(*col, {"CONSTR_DEFAULT"});
      const bool scans = col && (has_contype(*col, {"CONSTR_UNIQUE", "CONSTR_PRIMARY"}) ||
                                 (has_contype(*col, {"CONSTR_CHECK"}) && has_default));
      locks.take(table, kAccessExclusive, rewrites, scans);
      for (const Json& c : col ? field(*col, "constraints") : Json::array()) {
        const Json* body = node_body(c, "Constraint");
        if (body && body->value("contype", std::string()) == "CONSTR_FOREIGN") {
          locks.take(referenced_table(*body), kShareRowExclusive);
        }
      }
    } else if (sub == "AT_AlterColumnType") {
      const Json* col = node_body(def, "ColumnDef");
      const ColumnType* from = schema.column_type(table, column);
      bool rewrites = true;
      if (col && from && !col->contains("raw_default")) {
        const ColumnType to = column_type(field(*col, "typeName"));
        rewrites = !changes_without_rewrite(*from, to) &&
                   !(from->name == "timestamp" && to.name == "timestamptz" && is_utc(time_zone));
      }
      locks.take(table, kAccessExclusive, rewrites);
    } else if (sub == "AT_SetNotNull") {
      locks.take(table, kAccessExclusive, false,
                 !schema.has_validated_not_null_check(table, column));
    } else if (sub == "AT_SetLogged" || sub == "AT_SetUnLogged" || sub == "AT_SetTableSpace" ||
               sub == "AT_SetAccessMethod") {
      locks.take(table, kAccessExclusive, true);
    } else {
      locks.take(table, kAccessExclusive);  // the default for ALTER TABLE
    }
  }
}

}  // namespace

StatementLocks statement_locks(const Json& stmt, const Schema& schema) {
  Locks locks(schema);
  const std::string& type = node_type(stmt);
  const Json& body = stmt.is_object() && !stmt.empty() ? stmt.begin().value() : stmt;
  const std::string& zone = schema.time_zone();
  if (type == "AlterTableStmt") {
    if (body.value("objtype", std::string()) == "OBJECT_TABLE")
      alter_table(body, schema, zone, locks);
  } else if (type == "IndexStmt") {
    const bool concurrent = body.value("concurrent", false);
    locks.take(relation_key(field(body, "relation")), concurrent ? kShareUpdateExclusive : kShare,
               false, true);
  } else if (type == "DropStmt") {
    const std::string what = body.value("removeType", std::string());
    for (const std::string& key : dropped_keys(body)) {
      if (what == "OBJECT_TABLE" || what == "OBJECT_VIEW" || what == "OBJECT_MATVIEW") {
        locks.take(key, kAccessExclusive);
      } else if (what == "OBJECT_INDEX") {
        locks.take(schema.index_table(key),
                   body.value("concurrent", false) ? kShareUpdateExclusive : kAccessExclusive);
      }
    }
  } else if (type == "TruncateStmt" || type == "LockStmt") {
    const int mode =
        type == "LockStmt" ? body.value("mode", int{kAccessExclusive}) : kAccessExclusive;
    for (const Json& rel : field(body, "relations")) {
      if (const Json* rv = node_body(rel, "RangeVar")) locks.take(relation_key(*rv), mode);
    }
  } else if (type == "UpdateStmt" || type == "DeleteStmt" || type == "InsertStmt" ||
             type == "MergeStmt") {
    const bool all_rows =
        type != "InsertStmt" && type != "MergeStmt" && !body.contains("whereClause");
    locks.take(relation_key(field(body, "relation")), kRowExclusive, false, all_rows);
  } else if (type == "VacuumStmt") {
    bool full = false;
    for (const Json& o : field(body, "options")) {
      full = full || field(o, "DefElem").value("defname", std::string()) == "full";
    }
    for (const Json& rel : field(body, "rels")) {
      const Json& rv = field(field(rel, "VacuumRelation"), "relation");
      locks.take(relation_key(rv), full ? kAccessExclusive : kShareUpdateExclusive, full, true);
    }
  } else if (type == "ClusterStmt") {
    locks.take(relation_key(field(body, "relation")), kAccessExclusive, true);
  } else if (type == "ReindexStmt") {
    bool concurrent = false;
    for (const Json& o : field(body, "params")) {
      concurrent =
          concurrent || field(o, "DefElem").value("defname", std::string()) == "concurrently";
    }
    const std::string kind = body.value("kind", std::string());
    const std::string key = relation_key(field(body, "relation"));
    locks.take(kind == "REINDEX_OBJECT_INDEX" ? schema.index_table(key) : key,
               concurrent ? kShareUpdateExclusive : kShare, false, true);
  } else if (type == "RenameStmt") {
    const std::string what = body.value("renameType", std::string());
    if (what == "OBJECT_TABLE" || what == "OBJECT_COLUMN" || what == "OBJECT_TABCONSTRAINT") {
      locks.take(relation_key(field(body, "relation")), kAccessExclusive);
    }
  } else if (type == "CreateTrigStmt") {
    locks.take(relation_key(field(body, "relation")), kShareRowExclusive);
  } else if (type == "RefreshMatViewStmt") {
    locks.take(relation_key(field(body, "relation")),
               body.value("concurrent", false) ? kExclusive : kAccessExclusive, true);
  } else if (type == "ViewStmt") {
    locks.take(relation_key(field(body, "view")), kAccessExclusive);
  } else if (type == "CreateStmt") {
    const std::string table = relation_key(field(body, "relation"));
    locks.take(table, kAccessExclusive);
    if (!body.value("if_not_exists", false)) locks.created(table);
    for (const Json& element : field(body, "tableElts")) {
      for_each_node(element, [&](const std::string& t, const Json& c) {
        if (t == "Constraint" && c.value("contype", std::string()) == "CONSTR_FOREIGN") {
          locks.take(referenced_table(c), kShareRowExclusive);
        }
      });
    }
  } else if (type == "CreateStatsStmt" || type == "CommentStmt") {
    // SHARE UPDATE EXCLUSIVE at most; not worth a line in a plan.
  } else if (type == "SelectStmt") {
    (void)kAccessShare;  // reads take ACCESS SHARE, which conflicts only with ACCESS EXCLUSIVE
  }
  return locks.result();
}

std::map<const Statement*, StatementLocks> analyse_locks(const std::vector<Migration>& migrations,
                                                         const std::string& time_zone) {
  std::vector<const Migration*> order;
  for (const Migration& m : migrations) order.push_back(&m);
  std::stable_sort(order.begin(), order.end(),
                   [](const Migration* a, const Migration* b) { return a->version < b->version; });
  Schema schema;
  schema.set_time_zone(time_zone);
  std::map<const Statement*, StatementLocks> out;
  for (const Migration* m : order) {
    schema.begin_migration();
    std::vector<const Section*> sections = {&m->expand};
    for (const Section& b : m->backfills) sections.push_back(&b);
    if (m->contract) sections.push_back(&*m->contract);
    if (m->down) sections.push_back(&*m->down);
    for (const Section* s : sections) {
      schema.begin_phase(s->phase);
      for (const Statement& st : s->statements) {
        const std::optional<Json> tree = parse_statement(st.sql);
        if (!tree) continue;
        try {
          out[&st] = statement_locks(*tree, schema);
          if (s->phase != Phase::kDown) schema.apply(*tree);
        } catch (const nlohmann::json::exception&) {
          // An unexpected tree shape: no annotation rather than a crash.
        }
      }
    }
  }
  return out;
}

}  // namespace tide::lint
