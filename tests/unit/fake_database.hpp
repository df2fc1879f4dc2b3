// A Database for unit tests of the runner (ninja's FakeCommandRunner is the model): it records
// every statement, answers the few catalog queries the target, the lock and the history ask,
// keeps the metadata table in memory (a write counts only once its transaction commits) and
// raises scripted errors by SQLSTATE: "55P03", "40001", "25006", "08006" (the connection breaks:
// no SQLSTATE, every call fails until reconnect()), and an in-doubt COMMIT. What it does not
// know (the table a keyed backfill walks, the ranges its workers record) a Responder answers;
// the sessions open_another() hands to backfill workers share it.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "tide/db/database.hpp"
#include "tide/error.hpp"

namespace tide::test {

class FakeDatabase : public Database {
 public:
  // One row of the metadata table, as much of it as the runner writes.
  struct Row {
    std::string name, checksum, state;
    std::optional<std::string> failed_from, error;
    int backfill_section = 0;
    std::optional<std::string> last_key;
    long long rows = 0;
  };
  using Table = std::map<std::string, Row>;  // by version

  // Answers statements the fake does not know, from every session (backfill workers run on
  // threads: it locks its own state). Asked after the scripted failures; nullopt falls through
  // to the fake's own answers. A DatabaseError it throws is raised as the server's: a
  // connection error breaks the session until reconnect(), as a scripted "08006" does.
  struct Responder {
    virtual ~Responder() = default;
    virtual std::optional<SqlResult> answer(int pid, const std::string& sql,
                                            const SqlParams& params) = 0;
    // The session's transaction ended: committed (COMMIT, also an in-doubt one) or not.
    virtual void finished(int /*pid*/, bool /*committed*/) {}
    // open_another() made `session` (a backfill worker): script its failures here.
    virtual void opened(FakeDatabase& /*session*/) {}
  };

  explicit FakeDatabase(int backend_pid = 100) : pid_(backend_pid) {}

  void respond_with(std::shared_ptr<Responder> responder) { responder_ = std::move(responder); }
  int pid() const { return pid_; }

  // Scripts: the next `times` statements containing `match` fail with `sqlstate`.
  void fail(const std::string& match, const std::string& sqlstate, int times = 1) {
    failures_.push_back({match, sqlstate, times});
  }
  // The next `times` COMMITs (after the first `after` ones) go through on the server, but the
  // connection breaks before the client hears so (an in-doubt COMMIT).
  void lose_commits(int times = 1, int after = 0) {
    in_doubt_commits_ = times;
    commits_before_in_doubt_ = after;
  }

  std::vector<std::string> log;      // every statement in order; prepared ones as "EXECUTE name"
  Table table;                       // the committed records
  std::vector<std::string> history;  // committed history rows: "version action before->after"
  int reconnects = 0;

  // The statements that contain `match`, in order.
  std::vector<std::string> matching(const std::string& match) const {
    std::vector<std::string> out;
    for (const auto& s : log) {
      if (s.find(match) != std::string::npos) out.push_back(s);
    }
    return out;
  }
  size_t count(const std::string& match) const { return matching(match).size(); }

  SqlResult exec(const std::string& sql) override { return run(sql, {}); }
  SqlResult exec_params(const std::string& sql, const SqlParams& params) override {
    return run(sql, params);
  }
  void prepare(const std::string& name, const std::string& sql) override { prepared_[name] = sql; }
  SqlResult exec_prepared(const std::string& name, const SqlParams& params) override {
    return run("EXECUTE " + name, params);
  }
  void begin() override { run("BEGIN", {}); }
  void commit() override {
    if (in_doubt_commits_ > 0 && connected_ && tx_ && commits_before_in_doubt_-- <= 0) {
      --in_doubt_commits_;
      log.push_back("COMMIT");
      finish(true);
      connected_ = false;
      throw connection_error("server closed the connection unexpectedly", true);
    }
    run("COMMIT", {});
  }
  void rollback() noexcept override {
    if (!connected_) return;
    log.push_back("ROLLBACK");
    finish(false);
  }
  void reconnect() override {
    ++reconnects;
    log.push_back("RECONNECT");
    connected_ = true;
    finish(false);
  }
  std::unique_ptr<Database> open_another() override {
    auto session = std::make_unique<FakeDatabase>(pid_ + ++opened_);
    session->responder_ = responder_;
    if (responder_) responder_->opened(*session);
    return session;
  }
  std::string describe() const override { return "fake@db"; }

 private:
  struct Failure {
    std::string match, sqlstate;
    int times;
  };

  static bool has(const std::string& s, const std::string& part) {
    return s.find(part) != std::string::npos;
  }
  static SqlResult one(std::vector<SqlValue> row) {
    SqlResult r;
    r.rows.push_back(std::move(row));
    return r;
  }
  Table& view() { return savepoints_.empty() ? (tx_ ? *tx_ : table) : savepoints_.back(); }

  void finish(bool commit) {
    if (responder_) responder_->finished(pid_, commit && tx_ != nullptr);
    if (commit && tx_) {
      table = *tx_;
      history.insert(history.end(), tx_history_.begin(), tx_history_.end());
    }
    tx_.reset();
    tx_history_.clear();
    savepoints_.clear();
  }

  SqlResult run(const std::string& sql, const SqlParams& p) {
    if (!connected_) throw connection_error("not connected");
    log.push_back(sql);
    for (auto& f : failures_) {
      if (f.times == 0 || !has(sql, f.match)) continue;
      --f.times;
      if (f.sqlstate == "08006") {
        connected_ = false;  // the server rolled the transaction back
        finish(false);
        throw connection_error("server closed the connection unexpectedly\n");
      }
      throw server_error(f.sqlstate, "ERROR:  scripted failure (" + f.sqlstate + ")\n");
    }
    if (responder_) {
      std::optional<SqlResult> answer;
      try {
        answer = responder_->answer(pid_, sql, p);
      } catch (const DatabaseError& e) {
        if (e.failure() == DbFailure::kConnection) {
          connected_ = false;
          finish(false);
        }
        throw;
      }
      if (answer) return *answer;
    }
    if (sql == "BEGIN") {
      tx_ = std::make_unique<Table>(table);
      return {};
    }
    if (sql == "COMMIT") {
      finish(true);
      return {};
    }
    if (sql.rfind("SAVEPOINT ", 0) == 0) {
      savepoints_.push_back(view());
      return {};
    }
    if (sql.rfind("RELEASE SAVEPOINT ", 0) == 0) {
      Table kept = view();
      savepoints_.pop_back();
      view() = std::move(kept);
      return {};
    }
    if (sql.rfind("ROLLBACK TO SAVEPOINT ", 0) == 0) {
      savepoints_.pop_back();
      return {};
    }
    if (has(sql, "pg_is_in_recovery()")) return one({"f", "f", "f"});
    if (sql == "SELECT pg_backend_pid()") return one({std::to_string(pid_)});
    if (has(sql, "pg_try_advisory_lock")) return one({"true"});
    if (has(sql, "pg_backend_pid() = $1 AND EXISTS")) return one({"t"});
    if (has(sql, "pg_advisory_unlock")) return one({"t"});
    if (has(sql, "to_regclass($1) IS NULL")) return one({"f"});
    if (has(sql, "attname IN ('version', 'name', 'checksum', 'state')")) return one({"4"});
    if (has(sql, "SELECT version, name, checksum, state")) return load();
    if (sql == "EXECUTE tide_save_expand" || sql == "EXECUTE tide_save_contract") {
      Row& row = view()[*p[0]];
      row.name = *p[1];
      row.checksum = *p[2];
      row.state = *p[3];
      row.failed_from.reset();
      row.error.reset();
      tx_history_.push_back(*p[0] + " " + *p[8] + " " + *p[9] + "->" + *p[3]);
      return {};
    }
    if (sql == "EXECUTE tide_remove") {
      view().erase(*p[0]);
      tx_history_.push_back(*p[0] + " " + *p[2] + " " + *p[3] + "->" + *p[4]);
      return {};
    }
    if (has(sql, "'failed', NULLIF($4, '')")) {
      Row& row = view()[*p[0]];
      row.name = *p[1];
      row.checksum = *p[2];
      row.state = "failed";
      row.failed_from = p[3]->empty() ? std::nullopt : p[3];
      row.error = p[4];
      return {};
    }
    if (has(sql, "SET backfill_section = $2, backfill_last_key = $3, backfill_rows = $4")) {
      Row& row = view()[*p[0]];
      row.backfill_section = std::stoi(*p[1]);
      row.last_key = p[2];
      row.rows = std::stoll(*p[3]);
      return {};
    }
    if (has(sql, "SET backfill_last_key = $3")) {  // a parallel backfill's low-water mark
      view()[*p[0]].last_key = p[2];               // (its rows are the ranges': not kept here)
      return {};
    }
    if (has(sql, "_history\"") && has(sql, "INSERT INTO")) {
      tx_history_.push_back(*p[0] + " " + *p[2] + " " + *p[3] + "->" + *p[4]);
      return {};
    }
    return {};  // DDL, SET, the guard: nothing to answer
  }

  SqlResult load() {
    SqlResult r;
    for (const auto& [version, row] : view()) {
      r.rows.push_back(
          {version, row.name, row.checksum, row.state, std::to_string(row.backfill_section),
           row.last_key, std::to_string(row.rows), std::nullopt, std::nullopt, std::nullopt,
           std::nullopt, row.failed_from, row.error, std::nullopt, std::nullopt, std::nullopt});
    }
    return r;
  }

  int pid_;
  int opened_ = 0;
  std::shared_ptr<Responder> responder_;
  bool connected_ = true;
  int in_doubt_commits_ = 0;
  int commits_before_in_doubt_ = 0;
  std::vector<Failure> failures_;
  std::map<std::string, std::string> prepared_;
  std::unique_ptr<Table> tx_;
  std::vector<Table> savepoints_;
  std::vector<std::string> tx_history_;
};

}  // namespace tide::test
