// Deciding what adopting does: which converted files to write, which versions the old tool
// applied (by its own rules), and every reason to refuse. Pure: rows and records come in.
#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <set>

#include "convert.hpp"
#include "tide/error.hpp"
#include "tide/util/text.hpp"

namespace tide::adopt {
namespace {

Version version_of(const Converted& c) {
  Version v;
  std::string slug;
  parse_migration_filename(c.filename, v, slug);
  return v;
}

bool same_script(const std::string& script, const std::string& path) {
  const std::string base = path.substr(path.find_last_of('/') + 1);
  const std::string sbase = script.substr(script.find_last_of('/') + 1);
  return base == sbase;
}

// The keys the tool considers applied, by its own rules. Adds a refusal for a dirty or failed
// state and for a recorded version without a file.
std::set<std::string> applied_keys(const Conversion& conv, const std::vector<OldRow>& rows,
                                   std::vector<std::string>& refusals) {
  const char* tool = tool_name(conv.tool);
  std::map<std::string, const Converted*> by_key;
  for (const Converted& c : conv.migrations) by_key[c.key] = &c;
  std::set<std::string> applied;
  switch (conv.tool) {
    case Tool::kDbmate:
    case Tool::kSqlMigrate:
      for (const OldRow& r : rows) applied.insert(r.version);
      break;
    case Tool::kGoose: {
      // goose: the newest row of a version says whether it is applied; version 0 is goose's own.
      std::map<std::string, bool> last;
      for (const OldRow& r : rows) last[without_leading_zeros(r.version)] = r.applied;
      for (const auto& [v, is_applied] : last) {
        if (v != "0" && is_applied) applied.insert(v);
      }
      break;
    }
    case Tool::kGolangMigrate: {
      // golang-migrate keeps one row: the current version; everything up to it is applied.
      for (const OldRow& r : rows) {
        if (!r.ok) {
          refusals.push_back(fmt::format(
              "golang-migrate's table is dirty at version {}: a migration failed part-way. Fix "
              "the schema by hand, run `migrate force VERSION`, then adopt",
              r.version));
          continue;
        }
        const std::string current = without_leading_zeros(r.version);
        if (!by_key.count(current)) {
          refusals.push_back(
              fmt::format("golang-migrate's table says version {}, which has no file", r.version));
          continue;
        }
        for (const Converted& c : conv.migrations) {
          if (version_of(c) <= Version{current}) applied.insert(c.key);
        }
      }
      return applied;
    }
    case Tool::kFlyway: {
      std::optional<std::string> baseline;
      for (const OldRow& r : rows) {
        if (r.version.empty()) continue;  // repeatable migrations and schema markers
        const std::string key = flyway_key(r.version);
        if (!r.ok) {
          refusals.push_back(fmt::format(
              "Flyway's history records version {} ({}) as failed: fix the schema by hand, run "
              "`flyway repair`, then adopt",
              r.version, r.script));
        } else if (r.type == "BASELINE" || r.type == "SQL_BASELINE") {
          baseline = key;
        } else if (r.type.rfind("UNDO_", 0) == 0 || r.type == "DELETE") {
          applied.erase(key);
        } else {
          applied.insert(key);
          auto it = by_key.find(key);
          if (it != by_key.end() &&
              !same_script(r.script,
                           it->second->sources.substr(0, it->second->sources.find(" + ")))) {
            refusals.push_back(fmt::format(
                "Flyway applied version {} from {}, but the file for that version is {}: files "
                "and table disagree",
                r.version, r.script, it->second->sources));
          }
        }
      }
      if (baseline) {
        // Flyway skips every script up to its baseline: the database has them already.
        for (const Converted& c : conv.migrations) {
          if (!flyway_less(*baseline, c.key)) applied.insert(c.key);
        }
      }
      break;
    }
  }
  for (const std::string& key : applied) {
    if (!by_key.count(key)) {
      refusals.push_back(fmt::format(
          "{} recorded {} as applied, but there is no file for it: restore the file, or remove "
          "the version from {}'s table if it was abandoned",
          tool, key, tool));
    }
  }
  return applied;
}

}  // namespace

size_t Plan::files_to_write() const {
  return std::count_if(items.begin(), items.end(), [](const Item& i) { return !i.file_exists; });
}

size_t Plan::records_to_add() const {
  return std::count_if(items.begin(), items.end(),
                       [](const Item& i) { return i.applied && !i.already_recorded; });
}

Plan plan_adoption(const Conversion& conv, const std::optional<std::vector<OldRow>>& rows,
                   const std::vector<Record>& records,
                   const std::map<std::string, std::string>& existing) {
  Plan plan;
  plan.tool = conv.tool;
  plan.table_found = rows.has_value();
  plan.unsupported = conv.unsupported;
  std::vector<std::string> refusals;
  for (const Problem& p : conv.problems) refusals.push_back(p.to_string());
  const std::set<std::string> applied =
      rows ? applied_keys(conv, *rows, refusals) : std::set<std::string>{};

  std::map<std::string, std::string> existing_by_version;  // significant version → file name
  for (const auto& [name, content] : existing) {
    Version v;
    std::string slug;
    if (parse_migration_filename(name, v, slug))
      existing_by_version[without_leading_zeros(v.text)] = name;
  }
  std::optional<Version> newest_applied;
  for (const Converted& c : conv.migrations) {
    Item item;
    item.migration = &c;
    item.applied = applied.count(c.key) > 0;
    const Version v = version_of(c);
    auto file = existing.find(c.filename);
    if (file != existing.end()) {
      if (file->second != c.content) {
        refusals.push_back(fmt::format(
            "{} already exists and differs from the conversion of {}: move it away or adopt "
            "into another --dir",
            c.filename, c.sources));
      }
      item.file_exists = true;
    } else if (auto other = existing_by_version.find(without_leading_zeros(v.text));
               other != existing_by_version.end()) {
      refusals.push_back(fmt::format("version {} is already used by {} in tide's directory", v.text,
                                     other->second));
    }
    const std::string checksum = migration_checksum(c.content);
    for (const Record& r : records) {
      if (r.version != v) continue;
      if (r.checksum != checksum) {
        refusals.push_back(fmt::format(
            "tide already records version {} with another checksum than the conversion of {}",
            v.text, c.sources));
      }
      item.already_recorded = true;
    }
    if (item.applied && (!newest_applied || *newest_applied < v)) newest_applied = v;
    plan.items.push_back(item);
  }
  if (!refusals.empty()) {
    std::string list;
    for (const auto& r : refusals) list += "\n  " + r;
    throw validation_error(
        fmt::format("cannot adopt the {} project ({} problem{}); nothing was "
                    "written or recorded:{}",
                    tool_name(conv.tool), refusals.size(), util::plural_s(refusals.size()), list));
  }
  for (const Item& i : plan.items) {
    if (!i.applied && newest_applied && version_of(*i.migration) < *newest_applied) {
      plan.notes.push_back(fmt::format(
          "{} is pending but older than the newest applied version {}: `tide up` runs it only "
          "with --allow-out-of-order",
          i.migration->filename, newest_applied->text));
    }
  }
  return plan;
}

}  // namespace tide::adopt
