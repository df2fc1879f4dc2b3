// Recording what the old tool applied, in tide's table, in the caller's transaction.
#include <fmt/format.h>

#include "tide/adopt/adopt.hpp"

namespace tide::adopt {

std::vector<std::string> record_adoption(Database& db, const History& history, const Plan& plan,
                                         const std::string& dir, const std::string& old_table) {
  std::vector<std::string> lines;
  const std::string detail = fmt::format("adopted from {} ({})", tool_name(plan.tool), old_table);
  for (const Item& item : plan.items) {
    if (!item.applied || item.already_recorded) continue;
    std::vector<Problem> problems;  // none: plan_adoption refused every file with a problem
    const Migration m =
        parse_migration(dir + "/" + item.migration->filename, item.migration->content, problems);
    const State state = m.two_phase() ? State::kContracted : State::kApplied;
    history.save(db, m, state, Phase::kExpand, 0, true);
    if (m.two_phase()) history.save(db, m, state, Phase::kContract, 0, true);
    history.log(db, m.version, m.name, "adopt", State::kPending, state, 0, detail);
    lines.push_back(fmt::format("recorded {} as {}", m.filename, state_name(state)));
  }
  return lines;
}

}  // namespace tide::adopt
