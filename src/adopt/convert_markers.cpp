// Tools whose files already hold both directions with comment markers: dbmate (tide's own
// markers), sql-migrate (`-- +migrate Up`) and goose (`-- +goose Up`). Each file is converted
// line for line: only the marker lines change, every other byte stays.
#include <fmt/format.h>

#include <algorithm>
#include <cctype>

#include "convert.hpp"
#include "tide/util/text.hpp"

namespace tide::adopt {
namespace {

bool ends_with(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() &&
         s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

using util::lower;
std::string trim(const std::string& s) {
  return util::trim(s, " \t");
}

// "<digits><separator><name>.sql" → the tide file name "<digits>_<slug>.sql".
std::string tide_name(const std::string& digits, const std::string& rest) {
  return digits + "_" + slugify(rest) + ".sql";
}

}  // namespace

// dbmate: any file matching ^(\d+).*\.sql$, ordered by file name; its markers are tide's.
void convert_dbmate(const std::vector<SourceFile>& files, Conversion& out) {
  std::vector<const SourceFile*> found;
  for (const SourceFile& f : files) {
    if (ends_with(f.name, ".sql") && !leading_digits(f.name).empty()) found.push_back(&f);
  }
  std::sort(found.begin(), found.end(),
            [](const SourceFile* a, const SourceFile* b) { return a->name < b->name; });
  for (const SourceFile* f : found) {
    const std::string digits = leading_digits(f->name);
    const std::string rest = f->name.substr(digits.size(), f->name.size() - digits.size() - 4);
    out.migrations.push_back(Converted{digits, f->path, tide_name(digits, rest), f->content});
  }
}

// sql-migrate: every .sql file; the id in gorp_migrations is the file name. Numbered names
// are ordered by number, before any unnumbered one; ties by name.
void convert_sql_migrate(const std::vector<SourceFile>& files, Conversion& out) {
  std::vector<const SourceFile*> found;
  for (const SourceFile& f : files) {
    if (!ends_with(f.name, ".sql")) continue;
    if (leading_digits(f.name).empty()) {
      out.problems.push_back(
          Problem{f.path, 0,
                  "sql-migrate file without a leading number: tide versions are numbers; "
                  "rename it (and its id in gorp_migrations) before adopting"});
      continue;
    }
    found.push_back(&f);
  }
  std::stable_sort(found.begin(), found.end(), [](const SourceFile* a, const SourceFile* b) {
    const Version va{leading_digits(a->name)}, vb{leading_digits(b->name)};
    if (va != vb) return va < vb;
    return a->name < b->name;
  });
  for (const SourceFile* f : found) {
    const std::string digits = leading_digits(f->name);
    const std::string rest = f->name.substr(digits.size(), f->name.size() - digits.size() - 4);
    int line_no = 0;
    const std::string content = rewrite_lines(f->content, [&](const std::string& line) {
      ++line_no;
      std::optional<std::string> repl;
      if (line.rfind("-- +migrate ", 0) != 0) return repl;
      std::vector<std::string> words;
      std::string rest_of_line = line.substr(12);
      for (size_t i = 0; i < rest_of_line.size();) {
        const size_t b = rest_of_line.find_first_not_of(" \t", i);
        if (b == std::string::npos) break;
        const size_t e = std::min(rest_of_line.find_first_of(" \t", b), rest_of_line.size());
        words.push_back(rest_of_line.substr(b, e - b));
        i = e;
      }
      if (words.empty()) return repl;
      const std::string& cmd = words[0];
      if (cmd == "Up" || cmd == "Down") {
        bool transactional = true;
        for (size_t i = 1; i < words.size(); ++i) {
          if (words[i] == "notransaction") {
            transactional = false;
          } else {
            out.problems.push_back(Problem{
                f->path, line_no, fmt::format("unknown sql-migrate option '{}'", words[i])});
          }
        }
        repl = marker(cmd == "Up" ? "up" : "down", transactional);
      } else if (cmd != "StatementBegin" && cmd != "StatementEnd") {
        out.problems.push_back(
            Problem{f->path, line_no, fmt::format("unknown sql-migrate command '{}'", cmd)});
      }
      return repl;
    });
    out.migrations.push_back(Converted{f->name, f->path, tide_name(digits, rest), content});
  }
}

// goose: <version>_<name>.sql ordered by version; Go migrations cannot be converted.
void convert_goose(const std::vector<SourceFile>& files, Conversion& out) {
  struct Found {
    const SourceFile* file;
    std::string digits;
  };
  std::vector<Found> found;
  for (const SourceFile& f : files) {
    const bool sql = ends_with(f.name, ".sql"), go = ends_with(f.name, ".go");
    if (!sql && !go) continue;
    const std::string digits = leading_digits(f.name);
    if (digits.empty() || f.name.size() <= digits.size() || f.name[digits.size()] != '_' ||
        digits.find_first_not_of('0') == std::string::npos) {
      continue;  // goose ignores (or refuses) such names; they are not migrations
    }
    if (go) {
      if (!ends_with(f.name, "_test.go")) {
        out.unsupported.push_back(
            fmt::format("{}: a Go migration (tide runs SQL files only; port it to SQL)", f.path));
      }
      continue;
    }
    found.push_back(Found{&f, digits});
  }
  std::stable_sort(found.begin(), found.end(), [](const Found& a, const Found& b) {
    return Version{a.digits} < Version{b.digits};
  });
  for (const Found& fd : found) {
    const SourceFile& f = *fd.file;
    // Two passes: NO TRANSACTION may stand anywhere and applies to both directions.
    auto command = [](const std::string& line) -> std::optional<std::string> {
      if (line.rfind("--", 0) != 0) return std::nullopt;
      const std::string rest = trim(line.substr(2));
      if (lower(rest).rfind("+goose", 0) != 0) return std::nullopt;
      return lower(trim(rest.substr(6)));
    };
    bool transactional = true;
    rewrite_lines(f.content, [&](const std::string& line) {
      if (command(line) == std::optional<std::string>("no transaction")) transactional = false;
      return std::optional<std::string>();
    });
    int line_no = 0;
    const std::string content = rewrite_lines(f.content, [&](const std::string& line) {
      ++line_no;
      std::optional<std::string> repl;
      const auto cmd = command(line);
      if (!cmd) return repl;
      if (*cmd == "up" || *cmd == "down") {
        repl = marker(cmd->c_str(), transactional);
      } else if (cmd->rfind("envsub", 0) == 0) {
        if (*cmd != "envsub off") {
          out.problems.push_back(Problem{
              f.path, line_no,
              "goose ENVSUB substitutes environment variables into the SQL, and tide runs the SQL "
              "as written: replace the ${VAR} references with their values, then adopt"});
        }
      } else if (*cmd != "statementbegin" && *cmd != "statementend" && *cmd != "no transaction") {
        out.problems.push_back(
            Problem{f.path, line_no, fmt::format("unknown goose annotation '{}'", trim(line))});
      }
      return repl;
    });
    const std::string rest =
        f.name.substr(fd.digits.size() + 1, f.name.size() - fd.digits.size() - 5);
    out.migrations.push_back(
        Converted{without_leading_zeros(fd.digits), f.path, tide_name(fd.digits, rest), content});
  }
}

}  // namespace tide::adopt
