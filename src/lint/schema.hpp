// What the linter knows about the database from the migrations read so far: tables and
// their column types, NOT NULL checks, indexes, functions, and which of them the current
// migration (or the current transaction) created. Rules ask it whether a table holds
// data already; the linter feeds it every statement after the rules have seen it.
#pragma once

#include <map>
#include <set>
#include <string>

#include "lint/tree.hpp"
#include "tide/migration/migration.hpp"

namespace tide::lint {

class Schema {
 public:
  // A new migration starts: nothing is "new" any more.
  void begin_migration();
  // The phase about to run. Contract runs long after expand, when readers and writers have
  // filled the tables expand created, so those count as existing again.
  void begin_phase(Phase phase);
  // A transaction ends (section end, or each statement of a transaction:false section).
  void end_transaction();

  // Records the effects of one statement (a parse-tree node).
  void apply(const Json& stmt);

  // Created by the current migration in a phase that runs before this one without a pause
  // (expand → backfill): no deployed code uses it yet. CREATE TABLE IF NOT EXISTS does not
  // count: the table may be there already, and a statement after it that only matters if it
  // was (DROP COLUMN IF EXISTS) is judged as on a table in use.
  bool is_new_table(const std::string& key) const { return new_tables_.count(key) > 0; }
  // Holds no rows as far as the migrations show: new, emptied earlier in the migration
  // (TRUNCATE, DELETE without WHERE), or created with IF NOT EXISTS when no earlier migration
  // made it. Rules about scanning or rewriting existing rows skip it. A table an earlier
  // migration created stays in use and full after CREATE TABLE IF NOT EXISTS.
  bool is_empty_table(const std::string& key) const {
    return new_tables_.count(key) > 0 || emptied_tables_.count(key) > 0;
  }
  // How many statements of the current migration the model has seen (its ordinal).
  int statements_seen() const { return ordinal_; }
  // The ordinal of the statement of the current migration that last created `object`
  // ("view:public.v", "index:public.i", "constraint:public.t/name", "table:public.t", …),
  // or 0 when it did not create it.
  int created_at(const std::string& object) const;
  // True when an index of the table covers the column (CREATE INDEX, PRIMARY KEY, UNIQUE).
  bool is_indexed(const std::string& table, const std::string& column) const;
  // The session time zone, when known: set by the caller (a connected lint reads it from the
  // server) or by SET timezone / SET TIME ZONE in the current migration.
  void set_time_zone(const std::string& zone) { default_zone_ = zone_ = zone; }
  const std::string& time_zone() const { return zone_; }
  bool is_new_index(const std::string& key) const { return new_indexes_.count(key) > 0; }
  // An earlier statement or migration created the index (and nothing dropped it since).
  bool has_index(const std::string& key) const { return indexes_.count(key) > 0; }
  // The ordinal of the statement of the current migration that dropped the table, or 0.
  int dropped_at(const std::string& table) const;
  // The table an index (schema-qualified key) belongs to, or "" when unknown.
  std::string index_table(const std::string& index_key) const;
  // The column's type when an earlier statement declared it.
  const ColumnType* column_type(const std::string& table, const std::string& column) const;
  // True when a validated CHECK (column IS NOT NULL) exists on the table.
  bool has_validated_not_null_check(const std::string& table, const std::string& column) const;
  // True when the constraint was added NOT VALID in the transaction still open.
  bool added_not_valid_in_transaction(const std::string& table, const std::string& name) const;
  // False for functions created by a migration as IMMUTABLE or STABLE; true for ones
  // created VOLATILE (PostgreSQL's default) and for known volatile built-ins.
  bool is_volatile_function(const std::string& name) const;

 private:
  struct Check {
    std::string column;  // the column of CHECK (column IS NOT NULL), or "" for other checks
    bool validated = false;
  };
  struct Table {
    std::map<std::string, ColumnType> columns;
    std::map<std::string, Check> checks;  // by constraint name
  };

  void create_table(const Json& create);
  void alter_table(const Json& alter);
  void rename(const Json& rename);
  void drop(const Json& drop);
  void add_constraint(const std::string& table, Table& t, const Json& constraint);

  std::map<std::string, Table> tables_;
  std::map<std::string, std::string> indexes_;  // index key → table key
  std::map<std::string, bool> functions_;       // name → volatile
  void created(const std::string& object) { created_[object] = ordinal_; }

  std::set<std::string> new_tables_, new_indexes_, emptied_tables_;
  std::map<std::string, int> created_;                    // this migration: object → ordinal
  std::map<std::string, int> dropped_tables_;             // this migration: table → ordinal
  std::map<std::string, std::set<std::string>> indexed_;  // table → indexed columns
  std::string zone_, default_zone_;
  int ordinal_ = 0;
  std::set<std::string> not_valid_in_transaction_;  // "table/constraint"
};

}  // namespace tide::lint
