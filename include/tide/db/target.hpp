// The database a command works on: connected, checked and (for changes) locked, with its
// metadata table ready. Commands open one Target and hand its parts to the core. After a lost
// connection, reconnect() is the one way back: it connects again with backoff, checks the
// server again, re-takes the lock and returns the records as they are now.
#pragma once

#include <memory>
#include <vector>

#include "tide/db/connection.hpp"
#include "tide/db/history.hpp"
#include "tide/db/lock.hpp"
#include "tide/error.hpp"

namespace tide {

enum class TargetMode {
  kRead,      // read-only session, no lock, nothing created (status, validate, --dry-run)
  kRehearse,  // lock, writer required, nothing created outside rolled-back transactions
  kMigrate,   // lock, writer required, metadata table created when missing
};

struct TargetOptions {
  Millis lock_wait{60000};
  // How long reconnect() keeps trying (an Aurora failover takes 30–60 s).
  Millis reconnect_timeout{120000};
};

class Target {
 public:
  // Connects through a libpqxx Session.
  Target(const ConnectionSpec& spec, const QualifiedName& table, TargetMode mode,
         TargetOptions options);
  // Works on `db`, already connected (tests hand in a fake).
  Target(std::unique_ptr<Database> db, const QualifiedName& table, TargetMode mode,
         TargetOptions options);
  ~Target();

  // Every statement of the runner, the history and the lock goes through database().
  Database& database() { return *db_; }
  // The libpqxx session, for code that reads through libpqxx itself (lint's live sizes,
  // adopt); throws when the target runs on another Database.
  Session& session();
  std::string describe() const { return db_->describe(); }
  const History& history() const { return history_; }
  std::vector<Record> records();
  // After a lost connection: connects again (backoff, up to reconnect_timeout; a read-only
  // server counts as a failover still in progress), checks that the session is stable, takes
  // the migration lock again and returns the records. Throws tide::Error: exit 1 when the
  // server stays unreachable, 2 for an unstable session, 4 when another runner keeps the lock.
  std::vector<Record> reconnect();

  // A statement that fails (and so rolls back the transaction it runs in) unless the
  // transaction runs on the server backend that holds the migration lock. Every transaction
  // tide commits starts with it: through a transaction pooler no work lands elsewhere.
  std::string guard_sql() const;
  // True for the error guard_sql() raises.
  static bool is_guard_error(const std::exception& e);
  // The session moved (guard error): releases the lock where it was left when it can, and
  // returns the exit-2 error to throw.
  Error session_moved();

 private:
  void start(const std::string& described);
  // Everything after connecting: writer check, stable-session check, lock, statements.
  void establish();
  void check_stable();
  void verify_lock();

  std::unique_ptr<Database> db_;
  Session* session_ = nullptr;  // db_, when it is a libpqxx session
  History history_;
  MigrationLock lock_;
  TargetMode mode_;
  TargetOptions options_;
  bool locked_ = false;
  int backend_pid_ = 0;  // pg_backend_pid() of the session, as the server reports it
};

}  // namespace tide
