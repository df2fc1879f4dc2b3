// The database seam: the few operations the runner, the target, the history and the backfill
// need from a PostgreSQL session. Session (connection.cpp) implements it over libpqxx; the unit
// tests' FakeDatabase records the SQL and raises scripted SQLSTATEs. Every failure comes out as a
// tide::DatabaseError (tide/error.hpp), classified by SQLSTATE in one place: no libpqxx type
// crosses this interface.
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "tide/error.hpp"

namespace tide {

// A bound parameter or a field of a result: its text, or NULL.
using SqlValue = std::optional<std::string>;
using SqlParams = std::vector<SqlValue>;
// A result row as views of its fields' text (nullopt for NULL), valid only during the call that
// hands it over (Database::exec_rows).
using RowView = std::vector<std::optional<std::string_view>>;

// A query's rows, as text (booleans are "t"/"f", as the server sends them).
struct SqlResult {
  std::vector<std::vector<SqlValue>> rows;
  long long affected_rows = 0;  // INSERT/UPDATE/DELETE: rows changed

  bool empty() const { return rows.empty(); }
  size_t size() const { return rows.size(); }
  bool is_null(size_t row, size_t col) const { return !rows.at(row).at(col).has_value(); }
  // The field's text ("" for NULL).
  std::string text(size_t row, size_t col) const { return rows.at(row).at(col).value_or(""); }
  bool as_bool(size_t row, size_t col) const { return text(row, col) == "t"; }
  long long as_int(size_t row, size_t col) const { return std::stoll(text(row, col)); }
};

// The one classification of SQLSTATEs (55P03 a lock timeout, 25006 read-only, 08xxx and
// 57P01–57P03 a lost connection, anything else a failed statement).
DbFailure classify_sqlstate(const std::string& sqlstate);
// A server error with this SQLSTATE and text ("ERROR:  …" as the server sent it), as the
// session raises it: for the session itself and for fakes in tests.
DatabaseError server_error(const std::string& sqlstate, const std::string& text);
// The connection broke (during COMMIT: in_commit), with the driver's text.
DatabaseError connection_error(const std::string& text, bool in_commit = false);

class Database {
 public:
  virtual ~Database() = default;

  // One simple query; it may hold several statements (the result is the last one's).
  virtual SqlResult exec(const std::string& sql) = 0;
  // One statement with $1, $2, … bound to `params`.
  virtual SqlResult exec_params(const std::string& sql, const SqlParams& params) = 0;
  // Declares a named statement, parsed and planned once per connection; the declaration
  // survives reconnect().
  virtual void prepare(const std::string& name, const std::string& sql) = 0;
  virtual SqlResult exec_prepared(const std::string& name, const SqlParams& params) = 0;
  // One simple query whose rows go to `row` one at a time, as views of the driver's buffer: for
  // big results (status over 10,000 records), which exec() would copy field by field first.
  // By default through exec().
  virtual void exec_rows(const std::string& sql, const std::function<void(const RowView&)>& row);

  // Transaction control. commit() throws DatabaseError with DbFailure::kInDoubt when the
  // connection broke during COMMIT (it may or may not have committed: the records tell).
  // rollback() never throws (a broken connection rolled back already).
  virtual void begin() = 0;
  virtual void commit() = 0;
  virtual void rollback() noexcept = 0;

  // Drops the connection and connects again (a fresh IAM token when auth is iam). Throws
  // DatabaseError (kConnection) when the server cannot be reached: callers retry with backoff.
  virtual void reconnect() = 0;
  // A second, independent session to the same target (the pooler probe of Target).
  virtual std::unique_ptr<Database> open_another() = 0;
  // user@host:port/db, never a secret.
  virtual std::string describe() const = 0;
};

// A transaction on `db` for the scope: rolled back unless commit() was called.
class Transaction {
 public:
  explicit Transaction(Database& db) : db_(db) { db_.begin(); }
  ~Transaction() {
    if (open_) db_.rollback();
  }
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  void commit() {
    open_ = false;
    db_.commit();
  }
  void rollback() {
    open_ = false;
    db_.rollback();
  }

 private:
  Database& db_;
  bool open_ = true;
};

// A savepoint inside the transaction under way: rolled back to (and released) unless release()
// was called.
class Savepoint {
 public:
  Savepoint(Database& db, std::string name) : db_(db), name_(std::move(name)) {
    db_.exec("SAVEPOINT " + name_);
  }
  ~Savepoint() {
    if (!open_) return;
    try {
      db_.exec("ROLLBACK TO SAVEPOINT " + name_ + "; RELEASE SAVEPOINT " + name_);
    } catch (...) {  // the transaction is gone with its connection: nothing to undo
    }
  }
  Savepoint(const Savepoint&) = delete;
  Savepoint& operator=(const Savepoint&) = delete;
  void release() {
    open_ = false;
    db_.exec("RELEASE SAVEPOINT " + name_);
  }

 private:
  Database& db_;
  std::string name_;
  bool open_ = true;
};

}  // namespace tide
