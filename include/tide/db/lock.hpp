// The migration lock: one runner at a time per database and metadata table.
#pragma once

#include "tide/db/database.hpp"
#include "tide/util/duration.hpp"
#include "tide/util/identifier.hpp"

namespace tide {

// A session-level advisory lock, taken outside any transaction on the connection that runs
// the migrations (so CREATE INDEX CONCURRENTLY cannot deadlock against it).
class MigrationLock {
 public:
  explicit MigrationLock(const QualifiedName& table);
  // Polls pg_try_advisory_lock until `wait` has passed; then throws tide::Error (exit 4)
  // naming the holder (pid, application_name, client address) when it can be seen. Each try
  // runs only on server backend `backend_pid` (a pooler that moved the session to another
  // backend gets no lock there): throws exit 2 when the session moved.
  void acquire(Database& db, Millis wait, int backend_pid);
  // True when server backend `backend_pid` holds the lock and serves `db`.
  bool held_by(Database& db, int backend_pid) const;
  void release(Database& db);
  long long key() const { return key_; }

 private:
  long long key_;
};

}  // namespace tide
