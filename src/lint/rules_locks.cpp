// Rules about statements that take strong locks on their own: index builds and drops,
// table rewrites (VACUUM FULL, CLUSTER) and explicit LOCK TABLE.
#include <fmt/format.h>

#include "lint/rule.hpp"

namespace tide::lint {
namespace {

bool has_option(const Json& options, const char* name) {
  for (const Json& option : options) {
    const Json* def = node_body(option, "DefElem");
    if (!def || def->value("defname", std::string()) != name) continue;
    // "FULL false" turns it off again; a bare option is on.
    const Json& arg = field(*def, "arg");
    const std::string value = string_value(arg);
    if (const Json* b = node_body(arg, "Boolean")) return b->value("boolval", false);
    return value != "false" && value != "off";
  }
  return false;
}

}  // namespace

void check_index_concurrently(const StatementContext& ctx, std::vector<Hit>& hits) {
  const char* fix =
      "use CONCURRENTLY in its own '-- migrate:<section> transaction:false' section (it cannot "
      "run in a transaction); if a concurrent build fails, drop the INVALID index and retry";
  if (const Json* index = ctx.as("IndexStmt")) {
    const std::string table = relation_key(field(*index, "relation"));
    if (index->value("concurrent", false) || !ctx.existing(table)) return;
    const std::string schema = table.substr(0, table.find('.'));
    if (index->value("if_not_exists", false) &&
        ctx.schema.has_index(schema + "." + index->value("idxname", std::string()))) {
      return;  // an earlier migration built it: IF NOT EXISTS makes this a no-op
    }
    hits.push_back({ctx.statement.line,
                    fmt::format("CREATE INDEX {}on {} without CONCURRENTLY blocks every write to "
                                "the table for the whole build",
                                index->contains("idxname") ? index->value("idxname", "") + " " : "",
                                display_name(table)),
                    fix, table});
  } else if (const Json* drop = ctx.as("DropStmt")) {
    if (drop->value("removeType", std::string()) != "OBJECT_INDEX" ||
        drop->value("concurrent", false)) {
      return;
    }
    for (const std::string& key : dropped_keys(*drop)) {
      const std::string table = ctx.schema.index_table(key);
      if (ctx.schema.is_new_index(key) || (!table.empty() && !ctx.existing(table))) continue;
      hits.push_back({ctx.statement.line,
                      fmt::format("DROP INDEX {} without CONCURRENTLY takes an ACCESS EXCLUSIVE "
                                  "lock on its table and queues every query behind it",
                                  display_name(key)),
                      fix, table, "index:" + key, true});
    }
  } else if (const Json* reindex = ctx.as("ReindexStmt")) {
    if (has_option(field(*reindex, "params"), "concurrently")) return;
    const Json& rel = field(*reindex, "relation");
    if (reindex->value("kind", std::string()) == "REINDEX_OBJECT_TABLE" &&
        !ctx.existing(relation_key(rel))) {
      return;
    }
    hits.push_back({ctx.statement.line,
                    "REINDEX without CONCURRENTLY blocks writes to the table while it rebuilds",
                    "use REINDEX … CONCURRENTLY (PostgreSQL 12+) in a transaction:false section"});
  }
}

void check_concurrently_in_transaction(const StatementContext& ctx, std::vector<Hit>& hits) {
  if (!ctx.in_transaction) return;
  std::string what;
  if (const Json* index = ctx.as("IndexStmt")) {
    if (index->value("concurrent", false)) what = "CREATE INDEX CONCURRENTLY";
  } else if (const Json* drop = ctx.as("DropStmt")) {
    if (drop->value("concurrent", false)) what = "DROP INDEX CONCURRENTLY";
  } else if (const Json* reindex = ctx.as("ReindexStmt")) {
    if (has_option(field(*reindex, "params"), "concurrently")) {
      what = "REINDEX CONCURRENTLY";
    }
  }
  for_each_alter_cmd(ctx, [&](const Json& cmd) {
    const Json* part = node_body(field(cmd, "def"), "PartitionCmd");
    if (part && part->value("concurrent", false)) what = "DETACH PARTITION CONCURRENTLY";
  });
  if (what.empty()) return;
  const bool backfill = ctx.phase() == Phase::kBackfill;
  hits.push_back({ctx.statement.line,
                  fmt::format("{} cannot run inside a transaction block, and this {} section "
                              "runs in one: PostgreSQL rejects it",
                              what, backfill ? "backfill" : phase_name(ctx.phase())),
                  backfill ? "move it to an expand or contract section marked transaction:false"
                           : fmt::format("put it in a section marked '-- migrate:{} "
                                         "transaction:false' (a separate migration if the other "
                                         "statements need a transaction)",
                                         ctx.section.marker)});
}

void check_vacuum_full_cluster(const StatementContext& ctx, std::vector<Hit>& hits) {
  std::vector<std::string> tables;
  std::string what;
  if (const Json* vacuum = ctx.as("VacuumStmt")) {
    if (!vacuum->value("is_vacuumcmd", false) || !has_option(field(*vacuum, "options"), "full")) {
      return;
    }
    what = "VACUUM FULL";
    for (const Json& rel : field(*vacuum, "rels")) {
      const Json* v = node_body(rel, "VacuumRelation");
      if (v && v->contains("relation")) tables.push_back(relation_key((*v)["relation"]));
    }
  } else if (const Json* cluster = ctx.as("ClusterStmt")) {
    what = "CLUSTER";
    if (cluster->contains("relation")) tables.push_back(relation_key((*cluster)["relation"]));
  } else {
    return;
  }
  bool all_new = !tables.empty();
  for (const auto& t : tables) all_new = all_new && !ctx.existing(t);
  if (all_new) return;
  hits.push_back({ctx.statement.line,
                  what + " rewrites the table while holding an ACCESS EXCLUSIVE lock: reads and "
                         "writes stop until it ends",
                  "leave routine space reclaiming to autovacuum; to shrink or reorder a live "
                  "table use an online tool such as pg_repack, outside migrations",
                  tables.size() == 1 ? tables[0] : std::string()});
}

void check_lock_table(const StatementContext& ctx, std::vector<Hit>& hits) {
  const Json* lock = ctx.as("LockStmt");
  if (!lock) return;
  bool all_new = true;
  for (const Json& rel : field(*lock, "relations")) {
    const Json* rv = node_body(rel, "RangeVar");
    all_new = all_new && rv && !ctx.existing(relation_key(*rv));
  }
  if (all_new) return;
  hits.push_back({ctx.statement.line,
                  "LOCK TABLE holds its lock until the section's transaction ends, blocking the "
                  "application for all the statements after it",
                  "let each statement take the lock it needs under tide's lock_timeout; if the "
                  "order of locks matters, split the work into smaller migrations"});
}

}  // namespace tide::lint
