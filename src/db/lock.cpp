// Advisory locking by polling pg_try_advisory_lock (never a blocking pg_advisory_lock, so a
// waiting runner can give up after --lock-wait and say who holds the lock).
#include "tide/db/lock.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <chrono>
#include <cstdint>
#include <thread>

#include "tide/error.hpp"

namespace tide {
namespace {

// FNV-1a: a stable 64-bit key from the metadata table's name, so two projects sharing a
// database with different tables do not block each other.
long long lock_key(const QualifiedName& t) {
  uint64_t h = 1469598103934665603ULL;
  for (char c : "tide:" + t.schema + "." + t.table) {
    h ^= static_cast<unsigned char>(c);
    h *= 1099511628211ULL;
  }
  return static_cast<long long>(h);
}

std::string describe_holder(Database& db, long long key) {
  const auto k = static_cast<uint64_t>(key);
  const auto rows = db.exec_params(
      "SELECT a.pid, coalesce(a.application_name, ''), coalesce(host(a.client_addr), 'local'), "
      "coalesce(a.usename::text, ''), coalesce(to_char(a.backend_start, 'YYYY-MM-DD HH24:MI:SS'), "
      "'') "
      "FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid "
      "WHERE l.locktype = 'advisory' AND l.granted AND l.classid::text = $1 "
      "AND l.objid::text = $2 AND l.objsubid = 1",
      {std::to_string(k >> 32), std::to_string(k & 0xFFFFFFFFULL)});
  if (rows.empty()) return "the holder is not visible to this user";
  return fmt::format("held by pid {} (application_name '{}', client {}, user {}, connected {})",
                     rows.text(0, 0), rows.text(0, 1), rows.text(0, 2), rows.text(0, 3),
                     rows.text(0, 4));
}

}  // namespace

MigrationLock::MigrationLock(const QualifiedName& table) : key_(lock_key(table)) {}

void MigrationLock::acquire(Database& db, Millis wait, int backend_pid) {
  const auto deadline = std::chrono::steady_clock::now() + wait;
  Millis pause(50);
  bool logged = false;
  while (true) {
    {
      // NULL: the statement ran on another backend; 'held': this backend holds the lock
      // already, so another client of a pooler took it here (pg_try_advisory_lock would say
      // yes again: session locks are re-entrant).
      const auto k = static_cast<uint64_t>(key_);
      const SqlValue got =
          db.exec_params(
                "SELECT CASE WHEN pg_backend_pid() <> $2 THEN NULL WHEN EXISTS (SELECT 1 FROM "
                "pg_locks WHERE locktype = 'advisory' AND granted AND pid = $2 AND classid::text = "
                "$3 AND objid::text = $4 AND objsubid = 1) THEN 'held' ELSE "
                "pg_try_advisory_lock($1)::text END",
                {std::to_string(key_), std::to_string(backend_pid), std::to_string(k >> 32),
                 std::to_string(k & 0xFFFFFFFFULL)})
              .rows.at(0)
              .at(0);
      if (got && *got == "held") {
        throw usage_error(fmt::format(
            "the session is not stable: server backend {} already holds the migration lock for "
            "another client (a transaction-pooling proxy?); connect directly to PostgreSQL or "
            "through a session-mode pooler. Nothing was changed.",
            backend_pid));
      }
      if (!got) {
        throw usage_error(fmt::format(
            "the session is not stable: it moved from server backend {} to another while "
            "taking the migration lock (a transaction-pooling proxy?); connect directly to "
            "PostgreSQL or through a session-mode pooler. Nothing was changed.",
            backend_pid));
      }
      if (*got == "true") return;
    }
    if (!logged) {
      spdlog::info("another tide run holds the migration lock ({}); waiting up to {}",
                   describe_holder(db, key_), format_duration(wait));
      logged = true;
    }
    const auto now = std::chrono::steady_clock::now();
    if (now >= deadline) {
      throw Error(ExitCode::kLocked,
                  fmt::format("migration lock not acquired within {}: {}; wait for it to finish "
                              "or raise --lock-wait",
                              format_duration(wait), describe_holder(db, key_)));
    }
    std::this_thread::sleep_for(
        std::min<std::chrono::steady_clock::duration>(pause, deadline - now));
    pause = std::min(pause * 2, Millis(1000));
  }
}

bool MigrationLock::held_by(Database& db, int backend_pid) const {
  const auto k = static_cast<uint64_t>(key_);
  return db
      .exec_params(
          "SELECT pg_backend_pid() = $1 AND EXISTS (SELECT 1 FROM pg_locks WHERE locktype = "
          "'advisory' AND granted AND pid = $1 AND classid::text = $2 AND objid::text = $3 "
          "AND objsubid = 1)",
          {std::to_string(backend_pid), std::to_string(k >> 32), std::to_string(k & 0xFFFFFFFFULL)})
      .as_bool(0, 0);
}

void MigrationLock::release(Database& db) {
  db.exec_params("SELECT pg_advisory_unlock($1)", {std::to_string(key_)});
}

}  // namespace tide
