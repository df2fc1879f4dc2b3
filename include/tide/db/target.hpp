// The database a command works on: connected, checked and (for changes) locked, with its
// metadata table ready. Commands open one Target and hand its parts to the core.
#pragma once

#include <memory>
#include <vector>

#include "tide/db/connection.hpp"
#include "tide/db/history.hpp"
#include "tide/db/lock.hpp"

namespace tide {

enum class TargetMode {
  kRead,      // read-only session, no lock, nothing created (status, validate, --dry-run)
  kRehearse,  // lock, writer required, nothing created outside rolled-back transactions
  kMigrate,   // lock, writer required, metadata table created when missing
};

class Target {
 public:
  Target(const ConnectionSpec& spec, const QualifiedName& table, TargetMode mode, Millis lock_wait);
  ~Target();

  Session& session() { return session_; }
  const History& history() const { return history_; }
  std::vector<Record> records();
  // Takes the migration lock again on a new connection (after a reconnect).
  void relock();

 private:
  Session session_;
  History history_;
  MigrationLock lock_;
  TargetMode mode_;
  Millis lock_wait_;
  bool locked_ = false;
};

}  // namespace tide
