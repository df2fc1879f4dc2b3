// baseline and repair: they change records only, never the schema.
#include "tide/db/maintenance.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace tide {

std::vector<std::string> baseline(Target& target, const MigrationSet& files, const Version& upto) {
  std::vector<std::string> changes;
  Database& db = target.database();
  Transaction tx(db);
  const auto records = target.history().load(db);
  for (const Migration& m : files.migrations) {
    if (upto < m.version) break;
    const bool recorded = std::any_of(records.begin(), records.end(),
                                      [&](const Record& r) { return r.version == m.version; });
    if (recorded) continue;
    const State state = m.two_phase() ? State::kContracted : State::kApplied;
    target.history().save(db, m, state, Phase::kExpand, 0, true);
    if (m.two_phase()) target.history().save(db, m, state, Phase::kContract, 0, true);
    target.history().log(db, m.version, m.name, "baseline", State::kPending, state, 0, "");
    changes.push_back(fmt::format("baseline {}: recorded as {}", m.filename, state_name(state)));
  }
  tx.commit();
  return changes;
}

std::vector<std::string> repair(Target& target, const MigrationSet& files) {
  std::vector<std::string> changes;
  Database& db = target.database();
  Transaction tx(db);
  const History& h = target.history();
  for (const Record& r : h.load(db)) {
    const std::string label = fmt::format("{}_{}", r.version.text, r.name);
    if (r.state == State::kFailed) {
      const State to = r.failed_from.value_or(State::kPending);
      if (to == State::kPending) {
        h.remove(db, r.version);
      } else {
        h.set_state(db, r.version, to);
      }
      h.log(db, r.version, r.name, "repair", State::kFailed, to, 0, r.error);
      changes.push_back(fmt::format("{}: failed -> {} (was: {})", label, state_name(to), r.error));
    }
    const Migration* m = files.find(r.version);
    if (m && m->checksum != r.checksum) {
      h.restamp(db, r.version, m->checksum);
      h.log(db, r.version, r.name, "repair", r.state, r.state, 0,
            fmt::format("checksum {} -> {}", r.checksum, m->checksum));
      changes.push_back(fmt::format("{}: checksum re-stamped from {} ({}… -> {}…)", label, m->path,
                                    r.checksum.substr(0, 12), m->checksum.substr(0, 12)));
    }
  }
  tx.commit();
  return changes;
}

}  // namespace tide
