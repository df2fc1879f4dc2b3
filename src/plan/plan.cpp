// Planning of up, contract and down from the files and the recorded states. Pure.
#include "tide/plan/plan.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <map>

#include "tide/error.hpp"

namespace tide {
namespace {

struct VersionLess {
  bool operator()(const Version& a, const Version& b) const { return a < b; }
};
using RecordIndex = std::map<Version, const Record*, VersionLess>;

RecordIndex index_records(const std::vector<Record>& records) {
  RecordIndex index;
  for (const auto& r : records) index[r.version] = &r;
  return index;
}

const Record* find(const RecordIndex& index, const Version& v) {
  auto it = index.find(v);
  return it == index.end() ? nullptr : it->second;
}

void add_backfills(Plan& plan, const Migration& m, int first, const Record* resume) {
  const State final_state = state_after_expand(m);
  for (int i = first; i < static_cast<int>(m.backfills.size()); ++i) {
    Step s;
    s.migration = &m;
    s.section = &m.backfills[i];
    s.phase = Phase::kBackfill;
    s.backfill_index = i;
    if (resume && i == first) {
      s.resume_after_key = resume->backfill_last_key;
      s.resume_rows = resume->backfill_rows;
    }
    s.state_before = State::kBackfilling;
    s.state_after =
        i + 1 < static_cast<int>(m.backfills.size()) ? State::kBackfilling : final_state;
    plan.steps.push_back(s);
  }
}

Step contract_step(const Migration& m) {
  Step s;
  s.migration = &m;
  s.section = &*m.contract;
  s.phase = Phase::kContract;
  s.state_before = State::kExpanded;
  s.state_after = State::kContracted;
  return s;
}

}  // namespace

const char* state_name(State s) {
  switch (s) {
    case State::kPending:
      return "pending";
    case State::kBackfilling:
      return "backfilling";
    case State::kApplied:
      return "applied";
    case State::kExpanded:
      return "expanded";
    case State::kContracted:
      return "contracted";
    case State::kFailed:
      return "failed";
  }
  return "?";
}

std::optional<State> parse_state(const std::string& s) {
  for (State st : kStates) {
    if (s == state_name(st)) return st;
  }
  return std::nullopt;
}

std::vector<std::string> timeout_settings(const Section& section, Millis default_lock_timeout,
                                          SettingScope setting_scope) {
  const char* scope = setting_scope == SettingScope::kTransaction ? "LOCAL " : "";
  std::vector<std::string> out{
      fmt::format("SET {}lock_timeout = '{}ms'", scope,
                  section.lock_timeout.value_or(default_lock_timeout).count())};
  if (section.statement_timeout) {
    out.push_back(
        fmt::format("SET {}statement_timeout = '{}ms'", scope, section.statement_timeout->count()));
  }
  return out;
}

std::vector<std::string> reset_timeouts(const Section& section) {
  std::vector<std::string> out{"RESET lock_timeout"};
  if (section.statement_timeout) out.push_back("RESET statement_timeout");
  return out;
}

State state_after_expand(const Migration& m) {
  return m.two_phase() ? State::kExpanded : State::kApplied;
}

std::vector<Problem> check_history(const MigrationSet& files, const std::vector<Record>& records,
                                   OutOfOrder out_of_order) {
  std::vector<Problem> problems;
  const Record* newest = nullptr;
  for (const auto& r : records) {
    const Migration* m = files.find(r.version);
    const std::string where = m ? m->path : fmt::format("version {}", r.version.text);
    if (!m) {
      problems.push_back(Problem{
          where, 0,
          fmt::format("migration {}_{} is recorded ({}) but no file has version {}: is this the "
                      "right migrations directory (--dir, migrations: in tide.yaml)? Otherwise "
                      "restore the file",
                      r.version.text, r.name, state_name(r.state), r.version.text)});
    }
    if (r.state == State::kFailed) {
      problems.push_back(
          Problem{where, 0,
                  fmt::format("migration {} failed part-way{}; the database may be half-changed: "
                              "finish or revert it "
                              "by hand, then run `tide repair`",
                              r.version.text, r.error.empty() ? "" : " (" + r.error + ")")});
    }
    if (m && m->checksum != r.checksum) {
      problems.push_back(Problem{where, 0,
                                 fmt::format("checksum changed since it was applied (recorded {}…, "
                                             "file {}…): restore the file, or "
                                             "run `tide repair` if the change is intended",
                                             r.checksum.substr(0, 12), m->checksum.substr(0, 12))});
    }
    if (!newest || newest->version < r.version) newest = &r;
  }
  if (newest && out_of_order == OutOfOrder::refuse) {
    const RecordIndex index = index_records(records);
    for (const auto& m : files.migrations) {
      if (m.version < newest->version && !find(index, m.version)) {
        problems.push_back(Problem{
            m.path, 0,
            fmt::format(
                "pending migration {} is older than the newest recorded one ({}): out of order; "
                "renumber it, or pass --allow-out-of-order (config out_of_order: true)",
                m.version.text, newest->version.text)});
      }
    }
  }
  return problems;
}

Plan plan_up(const MigrationSet& files, const std::vector<Record>& records, const UpOptions& o) {
  Plan plan;
  plan.command = PlanCommand::kUp;
  const RecordIndex index = index_records(records);
  for (const auto& m : files.migrations) {
    if (o.to && *o.to < m.version) break;
    const Record* r = find(index, m.version);
    if (!r) {
      Step s;
      s.migration = &m;
      s.section = &m.expand;
      s.phase = Phase::kExpand;
      s.state_after = m.backfills.empty() ? state_after_expand(m) : State::kBackfilling;
      plan.steps.push_back(s);
      add_backfills(plan, m, 0, nullptr);
    } else if (r->state == State::kBackfilling) {
      add_backfills(plan, m, r->backfill_section, r);
    } else if (!(r->state == State::kExpanded && o.contract)) {
      continue;
    }
    if (o.contract && m.two_phase()) plan.steps.push_back(contract_step(m));
  }
  return plan;
}

Plan plan_contract(const MigrationSet& files, const std::vector<Record>& records,
                   const std::optional<Version>& to) {
  Plan plan;
  plan.command = PlanCommand::kContract;
  std::vector<const Record*> expanded;
  for (const auto& r : records) {
    if (r.state == State::kExpanded && !(to && *to < r.version)) expanded.push_back(&r);
  }
  std::sort(expanded.begin(), expanded.end(),
            [](const Record* a, const Record* b) { return a->version < b->version; });
  for (const Record* r : expanded) {
    const Migration* m = files.find(r->version);
    if (!m || !m->contract) {
      throw validation_error(
          fmt::format("cannot contract {}_{}: {}", r->version.text, r->name,
                      m ? "its file has no contract section" : "its file is missing"));
    }
    plan.steps.push_back(contract_step(*m));
  }
  return plan;
}

Plan plan_down(const MigrationSet& files, const std::vector<Record>& records,
               const DownOptions& o) {
  Plan plan;
  plan.command = PlanCommand::kDown;
  std::vector<const Record*> done;
  for (const auto& r : records) done.push_back(&r);
  std::sort(done.begin(), done.end(),
            [](const Record* a, const Record* b) { return b->version < a->version; });
  int taken = 0;
  for (const Record* r : done) {
    if (o.to ? !(*o.to < r->version) : taken >= o.steps) break;
    ++taken;
    const std::string label = fmt::format("{}_{}", r->version.text, r->name);
    if (r->state == State::kContracted) {
      throw validation_error(fmt::format(
          "refusing to revert {}: it is contracted, so its down (which reverts only the expand) "
          "cannot restore what contract removed; write a new migration instead",
          label));
    }
    const Migration* m = files.find(r->version);
    if (!m) throw validation_error(fmt::format("cannot revert {}: its file is missing", label));
    if (!m->down) {
      throw validation_error(
          fmt::format("cannot revert {}: {} has no -- migrate:down section", label, m->path));
    }
    Step s;
    s.migration = m;
    s.section = &*m->down;
    s.phase = Phase::kDown;
    s.state_before = r->state;
    s.state_after = State::kPending;
    plan.steps.push_back(s);
  }
  return plan;
}

Plan replan(const Plan& remaining, const std::vector<Record>& records) {
  const RecordIndex index = index_records(records);
  for (const auto& r : records) {
    if (r.state == State::kFailed) {
      throw validation_error(fmt::format(
          "after reconnecting: migration {}_{} is recorded as failed (by another runner?); "
          "check the database, then run `tide repair`",
          r.version.text, r.name));
    }
  }
  Plan plan;
  plan.command = remaining.command;
  for (const Step& s : remaining.steps) {
    const Record* r = find(index, s.migration->version);
    // A step that follows a kept step of the same migration is still to do as well.
    const bool follows = !plan.steps.empty() && plan.steps.back().migration == s.migration;
    Step next = s;
    bool todo = false;
    switch (s.phase) {
      case Phase::kExpand:
        todo = r == nullptr;
        break;
      case Phase::kBackfill: {
        const bool recorded_here =
            r && r->state == State::kBackfilling && r->backfill_section == s.backfill_index;
        todo = follows || recorded_here;
        next.resume_after_key = recorded_here ? r->backfill_last_key : std::nullopt;
        next.resume_rows = recorded_here ? r->backfill_rows : 0;
        break;
      }
      case Phase::kContract:
      case Phase::kDown:
        todo = follows || (r != nullptr && r->state == s.state_before);
        break;
    }
    if (todo) plan.steps.push_back(next);
  }
  return plan;
}

namespace {

StatusRow file_row(const Migration& m, const Record* r) {
  StatusRow row;
  row.version = m.version;
  row.name = m.name;
  row.migration = &m;
  row.two_phase = m.two_phase();
  if (r) {
    row.record = r;
    row.state = r->state;
    row.changed = r->checksum != m.checksum;
  }
  return row;
}

}  // namespace

std::vector<StatusRow> status_rows(const MigrationSet& files, const std::vector<Record>& records) {
  // One merge of files and records, both in version order: over 10,000 of each, a map of the
  // records, a lookup per file and per record and a sort of the rows cost more than reading the
  // records. Rows come out by version; among equal versions (1 and 01), files in their order
  // and then the records no file has, in the records' order; a file whose version several
  // records share matches the last of them.
  auto by_version = [](const auto* a, const auto* b) { return a->version < b->version; };
  std::vector<const Migration*> ms;
  ms.reserve(files.migrations.size());
  for (const auto& m : files.migrations) ms.push_back(&m);
  if (!std::is_sorted(ms.begin(), ms.end(), by_version)) {
    std::stable_sort(ms.begin(), ms.end(), by_version);
  }
  std::vector<const Record*> rs;
  rs.reserve(records.size());
  for (const auto& r : records) rs.push_back(&r);
  if (!std::is_sorted(rs.begin(), rs.end(), by_version)) {
    std::stable_sort(rs.begin(), rs.end(), by_version);
  }
  std::vector<StatusRow> rows;
  rows.reserve(ms.size() + rs.size());
  size_t i = 0, j = 0;
  while (i < ms.size() || j < rs.size()) {
    if (j == rs.size() || (i < ms.size() && ms[i]->version < rs[j]->version)) {
      rows.push_back(file_row(*ms[i++], nullptr));
    } else if (i == ms.size() || rs[j]->version < ms[i]->version) {
      const Record& r = *rs[j++];
      StatusRow row;
      row.version = r.version;
      row.name = r.name;
      row.state = r.state;
      row.missing = true;
      row.record = &r;
      rows.push_back(row);
    } else {
      const Version& v = ms[i]->version;
      while (j + 1 < rs.size() && rs[j + 1]->version == v) ++j;
      const Record* r = rs[j++];
      while (i < ms.size() && ms[i]->version == v) rows.push_back(file_row(*ms[i++], r));
    }
  }
  return rows;
}

}  // namespace tide
