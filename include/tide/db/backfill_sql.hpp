// The SQL a keyed backfill sends, built from names alone: pure, so every statement of a batch
// has a golden test (tests/unit/backfill_sql_test.cpp), and the loop that sends them stays small.
#pragma once

#include <string>
#include <vector>

namespace tide {

// What a keyed backfill walks.
struct KeyedWalk {
  std::string table;     // as written after table: ("messages" or "app.messages")
  std::string key;       // the key column, unquoted
  std::string key_type;  // format_type() of the key column: ranges are ordered in its order
  long long batch_size = 5000;
};

// The first and last key (as text) of the next batch: batch_size keys in key order, after $1
// when `after`, below the next parameter when `below` (the first key of a range finished by an
// earlier run, which the walk must not enter). One row; both NULL when no key is left.
std::string bounds_sql(const KeyedWalk& w, bool after, bool below);

// What opens every batch's transaction, in one round trip: the session guard, an asynchronous
// commit (SET LOCAL synchronous_commit = off: a batch is durable once a later synchronous
// commit is, such as the backfill's last bookkeeping), then `sets`: the SET LOCALs of the
// section's timeouts and, where allowed, the writeback below (Runner::batch_settings).
std::string batch_prologue_sql(const std::string& guard, const std::vector<std::string>& sets);

// Batches also have the server write their dirty pages back as they go (SET LOCAL
// backend_flush_after): a backfill dirties a large table once, page after page, and without it
// the kernel holds those pages until a checkpoint's fsync, which then saturates the disk and
// stalls every session's WAL, the application's commits included, for tenths of a second.
// tide sets it only where the server lets any user set it and nobody chose a value (the probe
// returns a row), so a value set for the role or database, 0 included, wins.
std::string writeback_probe_sql();
std::string writeback_setting_sql();

// The guard of a parallel worker's transaction: fails (like Target::guard_sql) unless the
// worker runs on the backend it connected to and the runner's session (`holder_pid`) still
// holds its advisory lock, so no batch commits after the runner lost the lock.
std::string worker_guard_sql(int worker_pid, int holder_pid, const std::string& marker);

// Parallel backfills record each finished range in `ranges` ("schema"."<table>_backfill"),
// in the batch's own transaction; the runner's low-water mark (backfill_last_key of the record
// in `meta`) absorbs the ranges below it, so the table stays small.
std::string create_ranges_sql(const std::string& ranges);
// $1 version, $2 section, $3 first key, $4 last key, $5 rows.
std::string record_range_sql(const std::string& ranges);
// $1 version, $2 section → first key, last key, rows, in key order.
std::string finished_ranges_sql(const std::string& ranges, const std::string& key_type);
// $1 version, $2 section, $3 the new low-water mark: deletes the ranges at or below it and
// moves their rows into the record, which then says "done up to $3".
std::string absorb_ranges_sql(const std::string& meta, const std::string& ranges,
                              const std::string& key_type);
// $1 version, $2 section: forgets every range of the section (a fresh start, or the end).
std::string clear_ranges_sql(const std::string& ranges);

}  // namespace tide
