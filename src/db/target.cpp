// Opening a database target: read-only guard, migration lock, metadata table.
#include "tide/db/target.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "tide/error.hpp"

namespace tide {

Target::Target(const ConnectionSpec& spec, const QualifiedName& table, TargetMode mode,
               Millis lock_wait)
    : session_(spec, mode == TargetMode::kRead),
      history_(table),
      lock_(table),
      mode_(mode),
      lock_wait_(lock_wait) {
  spdlog::debug("connected to {}", spec.describe());
  if (mode == TargetMode::kRead) return;
  if (session_.in_recovery()) {
    throw usage_error(fmt::format(
        "{} is a read-only server (pg_is_in_recovery() is true: a standby, an Aurora reader or a "
        "Global Database secondary region); connect to the writer: the cluster endpoint "
        "(NAME.cluster-ID.REGION.rds.amazonaws.com) of the primary region",
        spec.describe()));
  }
  relock();
  if (mode == TargetMode::kMigrate) {
    pqxx::work tx(session_.conn());
    history_.ensure(tx);
    tx.commit();
  }
}

Target::~Target() {
  if (!locked_) return;
  try {
    lock_.release(session_.conn());
  } catch (const std::exception&) {
    // The lock is session-level: closing the connection releases it anyway.
  }
}

void Target::relock() {
  lock_.acquire(session_.conn(), lock_wait_);
  locked_ = true;
}

std::vector<Record> Target::records() {
  pqxx::read_transaction tx(session_.conn());
  return history_.load(tx);
}

}  // namespace tide
