// The metadata table (one row per migration) and its append-only history table.
// Every write runs in the caller's transaction on `db` so a step and its record commit together.
#pragma once

#include <string>
#include <vector>

#include "tide/db/database.hpp"
#include "tide/migration/state.hpp"
#include "tide/util/identifier.hpp"

namespace tide {

class History {
 public:
  explicit History(QualifiedName table);

  const QualifiedName& table() const { return table_; }
  std::string history_table_name() const;  // quoted "<schema>"."<table>_history"

  bool exists(Database& db) const;
  // Creates the schema (when missing), the table and the history table, in `tx`.
  void ensure(Database& db) const;
  // All records; empty when the table does not exist yet.
  std::vector<Record> load(Database& db) const;

  // Writes the record of `m` in state `state` (insert or update). `phase_ms` adds to the
  // duration of the phase; `finished` stamps the phase's finish time.
  void save(Database& db, const Migration& m, State state, Phase phase, long long phase_ms,
            bool finished) const;
  void save_progress(Database& db, const Migration& m, int section, const std::string* last_key,
                     long long rows) const;
  // State `failed`; `from` is where `tide repair` returns it (kPending: the row is deleted).
  void mark_failed(Database& db, const Migration& m, State from, const std::string& error) const;
  void remove(Database& db, const Version& v) const;
  void restamp(Database& db, const Version& v, const std::string& checksum) const;
  void set_state(Database& db, const Version& v, State state) const;

  // Appends to the audit history: action is up, backfill, contract, down, baseline, repair.
  void log(Database& db, const Version& v, const std::string& name, const std::string& action,
           State before, State after, long long ms, const std::string& detail) const;

  // Declares the statements of save_and_log() and remove_and_log() on `db`, so each step's
  // bookkeeping is parsed and planned once per connection (the session keeps them across
  // reconnects).
  void prepare(Database& db) const;
  // save() + log() of the same step (state `state`, from `before`) in one statement, so a
  // step's bookkeeping costs one round trip: the same rows as calling both.
  void save_and_log(Database& db, const Migration& m, State state, Phase phase, long long phase_ms,
                    bool finished, const std::string& action, State before) const;
  // remove() + log() (detail empty) in one statement.
  void remove_and_log(Database& db, const Migration& m, const std::string& action, State before,
                      State after, long long ms) const;

 private:
  // The upsert of save(): $1 version, $2 name, $3 checksum, $4 state, $5 phase ms,
  // $6 finished, $7 client host, $8 tool version.
  std::string save_sql(Phase phase) const;

  // The table has tide's columns (not another tool's table named with --table).
  bool tide_shaped(Database& db) const;

  QualifiedName table_;
  std::string quoted_;
  std::string client_host_;
};

}  // namespace tide
