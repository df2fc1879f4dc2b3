// Opening a database target: read-only guard, stable-session guard, migration lock, metadata
// table; and the one way back after a lost connection (reconnect()).
#include "tide/db/target.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <chrono>
#include <random>
#include <thread>

#include "tide/error.hpp"

namespace tide {
namespace {

using Clock = std::chrono::steady_clock;

int backend_pid(Database& db) {
  return static_cast<int>(db.exec("SELECT pg_backend_pid()").as_int(0, 0));
}

// Why the server cannot take changes, or "" when it can: pg_is_in_recovery() (a standby, an
// Aurora reader, a Global Database secondary) or transaction_read_only on (a writer demoted
// during a failover, default_transaction_read_only set for the database or the user).
std::string read_only_reason(Database& db) {
  const auto row = db.exec(
      "SELECT pg_is_in_recovery(), current_setting('transaction_read_only') = 'on', "
      "current_setting('default_transaction_read_only') = 'on'");
  if (row.as_bool(0, 0)) {
    return "pg_is_in_recovery() is true: a standby, an Aurora reader or a Global Database "
           "secondary region";
  }
  if (row.as_bool(0, 1) || row.as_bool(0, 2)) {
    return "its sessions are read-only (transaction_read_only is on): a writer demoted during a "
           "failover, a Global Database secondary, or default_transaction_read_only set for the "
           "database or user";
  }
  return "";
}

Error unstable(const std::string& target, const std::string& why) {
  return usage_error(fmt::format(
      "the session to {} is not stable: {}. tide seems to be connected through a "
      "transaction-pooling proxy (PgBouncer pool_mode=transaction, RDS Proxy, …), where the "
      "migration lock cannot protect anything; connect directly to PostgreSQL (the cluster "
      "writer endpoint on Aurora) or through a session-mode pooler. Nothing was changed.",
      target, why));
}

// Thrown inside establish() when the server is read-only: during a reconnect that is a failover
// still in progress (retried); on the first connection it is a wrong target (exit 2).
struct ReadOnly : std::runtime_error {
  using std::runtime_error::runtime_error;
};

}  // namespace

Target::Target(const ConnectionSpec& spec, const QualifiedName& table, TargetMode mode,
               TargetOptions options)
    : db_(std::make_unique<Session>(spec, mode == TargetMode::kRead)),
      session_(static_cast<Session*>(db_.get())),
      history_(table),
      lock_(table),
      mode_(mode),
      options_(options) {
  start(spec.describe());
}

Target::Target(std::unique_ptr<Database> db, const QualifiedName& table, TargetMode mode,
               TargetOptions options)
    : db_(std::move(db)), history_(table), lock_(table), mode_(mode), options_(options) {
  start(db_->describe());
}

Session& Target::session() {
  if (!session_) throw std::logic_error("this target does not run on a libpqxx session");
  return *session_;
}

void Target::start(const std::string& described) {
  spdlog::debug("connected to {}", described);
  if (mode_ == TargetMode::kRead) return;
  try {
    establish();
  } catch (const ReadOnly& e) {
    throw usage_error(
        fmt::format("{} is a read-only server ({}); connect to the writer: the cluster endpoint "
                    "(NAME.cluster-ID.REGION.rds.amazonaws.com) of the primary region",
                    described, e.what()));
  } catch (const DatabaseError& e) {
    if (!e.reconnectable()) throw;
    spdlog::warn("lost the connection to {} while starting ({}); reconnecting", described,
                 e.text());
    reconnect();
  }
}

Target::~Target() {
  if (!locked_ || (session_ && !session_->connected())) return;
  try {
    lock_.release(*db_);
  } catch (const std::exception&) {
    // The lock is session-level: closing the connection releases it anyway.
  }
}

void Target::establish() {
  locked_ = false;
  if (const std::string why = read_only_reason(*db_); !why.empty()) throw ReadOnly(why);
  check_stable();
  lock_.acquire(*db_, options_.lock_wait, backend_pid_);
  locked_ = true;
  verify_lock();
  check_stable();
  if (mode_ == TargetMode::kMigrate) {
    try {
      Transaction tx(*db_);
      db_->exec(guard_sql());
      history_.ensure(*db_);
      tx.commit();
    } catch (const DatabaseError& e) {
      if (is_guard_error(e)) throw session_moved();
      throw;
    }
  }
}

namespace {
const char kGuardMarker[] = "tide: this transaction does not run on the session holding the lock";
}

std::string Target::guard_sql() const {
  return fmt::format("SELECT (CASE WHEN pg_backend_pid() = {} THEN '0' ELSE '{}' END)::int",
                     backend_pid_, kGuardMarker);
}

bool Target::is_guard_error(const std::exception& e) {
  return std::string(e.what()).find(kGuardMarker) != std::string::npos;
}

Error Target::session_moved() {
  // Through a transaction pooler the lock stays on a pooled backend: a few tries to land there.
  for (int i = 0; i < 20 && locked_; ++i) {
    try {
      const auto r =
          db_->exec_params("SELECT CASE WHEN pg_backend_pid() = $1 THEN pg_advisory_unlock($2) END",
                           {std::to_string(backend_pid_), std::to_string(lock_.key())});
      if (!r.is_null(0, 0)) locked_ = false;
    } catch (const std::exception&) {
      break;
    }
  }
  locked_ = false;
  return unstable(db_->describe(),
                  fmt::format("a transaction ran on another server backend than {}, which holds "
                              "the migration lock; it was rolled back",
                              backend_pid_));
}

// A session is stable when every statement reaches the same server backend. Through a
// transaction pooler they do not: between transactions the backend goes back to the pool,
// where the next client (here: a probe connection of our own, pinned in a transaction) gets it.
// Three rounds, because under a pooler shared with other clients one round can be fooled.
void Target::check_stable() {
  const std::string target = db_->describe();
  if (!locked_) backend_pid_ = backend_pid(*db_);
  auto probe = db_->open_another();
  for (int round = 0; round < 3; ++round) {
    Transaction pinned(*probe);
    const int probe_pid = static_cast<int>(probe->exec("SELECT pg_backend_pid()").as_int(0, 0));
    if (probe_pid == backend_pid_) {
      throw unstable(target, fmt::format("a second connection was served by the same server "
                                         "backend (pid {})",
                                         probe_pid));
    }
    const int again = backend_pid(*db_);
    if (again != backend_pid_) {
      if (locked_) throw session_moved();
      throw unstable(target, fmt::format("its statements were served by server backend {}, then {}",
                                         backend_pid_, again));
    }
    pinned.rollback();
  }
}

void Target::verify_lock() {
  if (!lock_.held_by(*db_, backend_pid_)) {
    session_moved();
    throw unstable(db_->describe(),
                   fmt::format("the migration lock taken by server backend {} is not where it was "
                               "left",
                               backend_pid_));
  }
}

std::vector<Record> Target::reconnect() {
  static thread_local std::mt19937 rng{std::random_device{}()};
  const std::string target = db_->describe();
  const auto deadline = Clock::now() + options_.reconnect_timeout;
  Millis pause(250);
  for (int attempt = 1;; ++attempt) {
    std::string last_error;
    try {
      db_->reconnect();
      if (mode_ == TargetMode::kRead) {  // a read (status, --dry-run): no lock, a replica is fine
        spdlog::info("reconnected to {} (try {})", target, attempt);
        return records();
      }
      establish();
      spdlog::info("reconnected to {} (try {}); the migration lock is held again", target, attempt);
      return records();
    } catch (const ReadOnly& e) {
      last_error = fmt::format("the server is read-only: {}", e.what());
    } catch (const DatabaseError& e) {
      if (!e.reconnectable()) throw;
      last_error = e.text();
      while (!last_error.empty() && (last_error.back() == '\n' || last_error.back() == ' '))
        last_error.pop_back();
    }
    const auto now = Clock::now();
    if (now >= deadline) {
      throw db_error(fmt::format("could not reconnect to {} within {} ({} tries; last: {})", target,
                                 format_duration(options_.reconnect_timeout), attempt, last_error));
    }
    const auto wait = std::min<Clock::duration>(
        Millis(static_cast<long long>(static_cast<double>(pause.count()) *
                                      std::uniform_real_distribution<double>(0.75, 1.25)(rng))),
        deadline - now);
    spdlog::warn("reconnecting to {}: try {} failed ({}); next try in {}", target, attempt,
                 last_error, format_duration(std::chrono::duration_cast<Millis>(wait)));
    std::this_thread::sleep_for(wait);
    pause = std::min(pause * 2, Millis(5000));
  }
}

std::vector<Record> Target::records() {
  Transaction tx(*db_);
  auto records = history_.load(*db_);
  tx.commit();
  return records;
}

}  // namespace tide
