// Tools that keep each direction in its own file: golang-migrate (`1_x.up.sql` +
// `1_x.down.sql`) and Flyway (`V1__x.sql` + the undo `U1__x.sql`). The pair becomes one tide
// file: an up marker, the up file's bytes, a down marker, the down file's bytes.
#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <map>

#include "convert.hpp"

namespace tide::adopt {
namespace {

bool ends_with(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() &&
         s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

struct Pair {
  std::string version;  // as written
  std::string name;
  const SourceFile* up = nullptr;
  const SourceFile* down = nullptr;
  bool transactional_up = true;
  bool transactional_down = true;
};

std::string joined(const Pair& p) {
  std::string content = marker("up", p.transactional_up) + "\n" + p.up->content;
  if (p.down) {
    if (!content.empty() && content.back() != '\n') content += "\n";
    content += marker("down", p.transactional_down) + "\n" + p.down->content;
  }
  return content;
}

std::string sources(const Pair& p) {
  return p.down ? p.up->path + " + " + p.down->path : p.up->path;
}

}  // namespace

// golang-migrate: ^([0-9]+)_(.*)\.(up|down)\.sql$, ordered by version. Its postgres driver runs
// a file as one multi-statement query, so a file with BEGIN/COMMIT of its own, or a single
// statement PostgreSQL refuses in a transaction, becomes a transaction:false section.
void convert_golang_migrate(const std::vector<SourceFile>& files, Conversion& out) {
  std::map<std::string, Pair> pairs;  // by version without leading zeros
  for (const SourceFile& f : files) {
    const std::string digits = leading_digits(f.name);
    if (digits.empty() || f.name.size() <= digits.size() || f.name[digits.size()] != '_') continue;
    bool up = ends_with(f.name, ".up.sql"), down = ends_with(f.name, ".down.sql");
    if (!up && !down) continue;
    const size_t suffix = up ? 7 : 9;
    const std::string key = without_leading_zeros(digits);
    Pair& p = pairs[key];
    const SourceFile*& slot = up ? p.up : p.down;
    if (slot) {
      out.problems.push_back(
          Problem{f.path, 0,
                  fmt::format("duplicate golang-migrate version {}: also {}", digits, slot->path)});
      continue;
    }
    slot = &f;
    if (up || p.version.empty()) {
      p.version = digits;
      p.name = f.name.substr(digits.size() + 1, f.name.size() - digits.size() - 1 - suffix);
    }
  }
  std::vector<std::pair<std::string, Pair>> ordered(pairs.begin(), pairs.end());
  std::sort(ordered.begin(), ordered.end(),
            [](const auto& a, const auto& b) { return Version{a.first} < Version{b.first}; });
  for (auto& [key, p] : ordered) {
    if (!p.up) {
      out.problems.push_back(Problem{p.down->path, 0, "down file without its .up.sql"});
      continue;
    }
    p.transactional_up = !runs_outside_transaction(p.up->content);
    p.transactional_down = !p.down || !runs_outside_transaction(p.down->content);
    out.migrations.push_back(
        Converted{key, sources(p), p.version + "_" + slugify(p.name) + ".sql", joined(p)});
  }
}

namespace {

// Flyway's version "1.2" (also written "1_2"): its parts as numbers without leading zeros and
// without trailing zero parts, so that "1", "1.0" and "01" are the same version, as in Flyway.
std::vector<std::string> flyway_parts(const std::string& version) {
  std::vector<std::string> parts;
  std::string part;
  for (char c : version + ".") {
    if (c == '.' || c == '_') {
      parts.push_back(without_leading_zeros(part));
      part.clear();
    } else {
      part += c;
    }
  }
  while (parts.size() > 1 && parts.back() == "0") parts.pop_back();
  return parts;
}

bool valid_flyway_version(const std::string& v) {
  if (v.empty() || !std::isdigit(static_cast<unsigned char>(v.front())) ||
      !std::isdigit(static_cast<unsigned char>(v.back())))
    return false;
  for (size_t i = 0; i < v.size(); ++i) {
    const char c = v[i];
    if (std::isdigit(static_cast<unsigned char>(c))) continue;
    if ((c != '.' && c != '_') || v[i + 1] == '.' || v[i + 1] == '_') return false;
  }
  return true;
}

// True when the .sql.conf beside a script says executeInTransaction=false.
bool conf_says_no_transaction(const std::string& conf) {
  std::string compact;
  for (char c : conf) {
    if (c != ' ' && c != '\t' && c != '\r') compact += c;
  }
  return compact.find("executeInTransaction=false") != std::string::npos;
}

}  // namespace

static bool number_less(const std::string& a, const std::string& b) {
  return a.size() != b.size() ? a.size() < b.size() : a < b;
}

bool flyway_less(const std::string& a, const std::string& b) {
  const auto pa = flyway_parts(a), pb = flyway_parts(b);
  return std::lexicographical_compare(pa.begin(), pa.end(), pb.begin(), pb.end(), number_less);
}

std::string flyway_key(const std::string& version) {
  std::string key;
  for (const auto& part : flyway_parts(version)) key += (key.empty() ? "" : ".") + part;
  return key;
}

// Flyway: V<version>__<description>.sql, its undo U<version>__<description>.sql; R__ (repeatable)
// and B (baseline) scripts have no tide equivalent and are reported. Placeholders (${…}) would
// be replaced by Flyway and are refused. Versions with several parts (1.2.3) become one
// number by padding each part to its widest, so that tide orders them as Flyway does.
void convert_flyway(const std::vector<SourceFile>& files, Conversion& out) {
  std::map<std::string, const SourceFile*> confs;
  for (const SourceFile& f : files) {
    if (ends_with(f.name, ".sql.conf")) confs[f.name.substr(0, f.name.size() - 5)] = &f;
  }
  std::map<std::string, Pair> pairs;  // by key
  for (const SourceFile& f : files) {
    if (!ends_with(f.name, ".sql") || f.name.size() < 2) continue;
    const char prefix = f.name[0];
    if (prefix == 'R' && f.name.compare(1, 2, "__") == 0) {
      out.unsupported.push_back(fmt::format(
          "{}: a Flyway repeatable migration (tide has none; it is not converted, and its "
          "changes are not re-applied by tide)",
          f.path));
      continue;
    }
    const size_t sep = f.name.find("__");
    if ((prefix != 'V' && prefix != 'U' && prefix != 'B') || sep == std::string::npos) continue;
    const std::string version = f.name.substr(1, sep - 1);
    if (!valid_flyway_version(version)) {
      out.problems.push_back(Problem{
          f.path, 0, fmt::format("'{}' is not a Flyway version (digits and dots)", version)});
      continue;
    }
    if (prefix == 'B') {
      out.unsupported.push_back(
          fmt::format("{}: a Flyway baseline migration (not converted)", f.path));
      continue;
    }
    for (size_t at = f.content.find("${"); at != std::string::npos;
         at = f.content.find("${", at + 2)) {
      const int line =
          static_cast<int>(std::count(f.content.begin(), f.content.begin() + at, '\n')) + 1;
      out.problems.push_back(Problem{
          f.path, line,
          "a Flyway placeholder (${...}), which Flyway replaces and tide does not: write the value "
          "in the SQL, then adopt"});
      break;
    }
    Pair& p = pairs[flyway_key(version)];
    const SourceFile*& slot = prefix == 'V' ? p.up : p.down;
    if (slot) {
      out.problems.push_back(Problem{
          f.path, 0, fmt::format("Flyway version {} is also used by {}", version, slot->path)});
      continue;
    }
    slot = &f;
    const bool in_tx = !(confs.count(f.name) && conf_says_no_transaction(confs[f.name]->content)) &&
                       !runs_outside_transaction(f.content);
    (prefix == 'V' ? p.transactional_up : p.transactional_down) = in_tx;
    if (prefix == 'V') {
      p.version = version;
      p.name = f.name.substr(sep + 2, f.name.size() - sep - 2 - 4);
    }
  }
  // Flyway's order: part by part, numerically.
  std::vector<std::pair<std::vector<std::string>, Pair*>> ordered;
  size_t widest_parts = 0;
  for (auto& [key, p] : pairs) {
    if (!p.up) {
      out.problems.push_back(Problem{p.down->path, 0, "undo script without its versioned script"});
      continue;
    }
    ordered.emplace_back(flyway_parts(p.version), &p);
    widest_parts = std::max(widest_parts, ordered.back().first.size());
  }
  std::sort(ordered.begin(), ordered.end(), [&](const auto& a, const auto& b) {
    return std::lexicographical_compare(a.first.begin(), a.first.end(), b.first.begin(),
                                        b.first.end(), number_less);
  });
  std::vector<size_t> width(widest_parts, 1);
  for (const auto& [parts, p] : ordered) {
    for (size_t i = 0; i < parts.size(); ++i) width[i] = std::max(width[i], parts[i].size());
  }
  for (const auto& [parts, p] : ordered) {
    const bool digits_only = p->version.find_first_not_of("0123456789") == std::string::npos;
    std::string version = digits_only ? p->version : parts[0];  // one part: kept as written
    if (widest_parts > 1) {
      version.clear();
      for (size_t i = 0; i < widest_parts; ++i) {
        const std::string part = i < parts.size() ? parts[i] : "0";
        version += std::string(width[i] - part.size(), '0') + part;
      }
    }
    out.migrations.push_back(Converted{flyway_key(p->version), sources(*p),
                                       version + "_" + slugify(p->name) + ".sql", joined(*p)});
  }
}

}  // namespace tide::adopt
