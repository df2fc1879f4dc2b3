// What the database can say about a plan before it runs: a keyed backfill's table exists and
// its key is a single unique NOT NULL column (a NULL key would never be visited, a duplicate
// would split a batch).
#pragma once

#include <string>
#include <vector>

#include "tide/db/database.hpp"
#include "tide/plan/plan.hpp"

namespace tide {

// The column a keyed backfill walks (`key:`, else the single-column primary key), or a problem
// naming file:line and the cause ("table x does not exist"); one of the two is empty.
struct BackfillKey {
  enum class Problem { kNone, kNoTable, kNoColumn, kKey };
  std::string column;
  std::string problem;
  Problem kind = Problem::kNone;
};
BackfillKey backfill_key(Database& db, const Step& step);

// The problems found now that no earlier step of the plan may fix, in plan order.
std::vector<std::string> check_up_front(Database& db, const std::vector<BackfillCheck>& checks);

}  // namespace tide
