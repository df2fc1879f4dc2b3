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

std::string describe_holder(pqxx::connection& conn, long long key) {
  const auto k = static_cast<uint64_t>(key);
  pqxx::nontransaction tx(conn);
  const auto rows = tx.exec_params(
      "SELECT a.pid, coalesce(a.application_name, ''), coalesce(host(a.client_addr), 'local'), "
      "coalesce(a.usename::text, ''), coalesce(to_char(a.backend_start, 'YYYY-MM-DD HH24:MI:SS'), "
      "'') "
      "FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid "
      "WHERE l.locktype = 'advisory' AND l.granted AND l.classid::text = $1 "
      "AND l.objid::text = $2 AND l.objsubid = 1",
      std::to_string(k >> 32), std::to_string(k & 0xFFFFFFFFULL));
  if (rows.empty()) return "the holder is not visible to this user";
  const auto& r = rows[0];
  return fmt::format("held by pid {} (application_name '{}', client {}, user {}, connected {})",
                     r[0].as<std::string>(), r[1].as<std::string>(), r[2].as<std::string>(),
                     r[3].as<std::string>(), r[4].as<std::string>());
}

}  // namespace

MigrationLock::MigrationLock(const QualifiedName& table) : key_(lock_key(table)) {}

void MigrationLock::acquire(pqxx::connection& conn, Millis wait, int backend_pid) {
  const auto deadline = std::chrono::steady_clock::now() + wait;
  Millis pause(50);
  bool logged = false;
  while (true) {
    {
      pqxx::nontransaction tx(conn);
      // NULL: the statement ran on another backend; 'held': this backend holds the lock
      // already, so another client of a pooler took it here (pg_try_advisory_lock would say
      // yes again: session locks are re-entrant).
      const auto k = static_cast<uint64_t>(key_);
      const auto got = tx.exec_params1(
          "SELECT CASE WHEN pg_backend_pid() <> $2 THEN NULL WHEN EXISTS (SELECT 1 FROM "
          "pg_locks WHERE locktype = 'advisory' AND granted AND pid = $2 AND classid::text = "
          "$3 AND objid::text = $4 AND objsubid = 1) THEN 'held' ELSE "
          "pg_try_advisory_lock($1)::text END",
          key_, backend_pid, std::to_string(k >> 32), std::to_string(k & 0xFFFFFFFFULL))[0];
      if (!got.is_null() && got.as<std::string>() == "held") {
        throw usage_error(fmt::format(
            "the session is not stable: server backend {} already holds the migration lock for "
            "another client (a transaction-pooling proxy?); connect directly to PostgreSQL or "
            "through a session-mode pooler. Nothing was changed.",
            backend_pid));
      }
      if (got.is_null()) {
        throw usage_error(fmt::format(
            "the session is not stable: it moved from server backend {} to another while "
            "taking the migration lock (a transaction-pooling proxy?); connect directly to "
            "PostgreSQL or through a session-mode pooler. Nothing was changed.",
            backend_pid));
      }
      if (got.as<std::string>() == "true") return;
    }
    if (!logged) {
      spdlog::info("another tide run holds the migration lock ({}); waiting up to {}",
                   describe_holder(conn, key_), format_duration(wait));
      logged = true;
    }
    const auto now = std::chrono::steady_clock::now();
    if (now >= deadline) {
      throw Error(ExitCode::kLocked,
                  fmt::format("migration lock not acquired within {}: {}; wait for it to finish "
                              "or raise --lock-wait",
                              format_duration(wait), describe_holder(conn, key_)));
    }
    std::this_thread::sleep_for(
        std::min<std::chrono::steady_clock::duration>(pause, deadline - now));
    pause = std::min(pause * 2, Millis(1000));
  }
}

bool MigrationLock::held_by(pqxx::connection& conn, int backend_pid) const {
  const auto k = static_cast<uint64_t>(key_);
  pqxx::nontransaction tx(conn);
  return tx
      .exec_params1(
          "SELECT pg_backend_pid() = $1 AND EXISTS (SELECT 1 FROM pg_locks WHERE locktype = "
          "'advisory' AND granted AND pid = $1 AND classid::text = $2 AND objid::text = $3 "
          "AND objsubid = 1)",
          backend_pid, std::to_string(k >> 32), std::to_string(k & 0xFFFFFFFFULL))[0]
      .as<bool>();
}

void MigrationLock::release(pqxx::connection& conn) {
  pqxx::nontransaction tx(conn);
  tx.exec_params("SELECT pg_advisory_unlock($1)", key_);
}

}  // namespace tide
