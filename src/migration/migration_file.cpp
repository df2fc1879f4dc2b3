// Parsing of one migration file: file name, `-- migrate:SECTION key:value…` markers,
// section options, statement splitting and checksum. Pure: no file system access.
#include <fmt/format.h>
#include <algorithm>
#include <cctype>
#include <set>
#include <sstream>

#include "tide/migration/migration.hpp"
#include "tide/migration/sql_split.hpp"

namespace tide {
namespace {

struct Marker {
  std::string section;
  std::vector<std::string> options;
};

// A marker is a line "--" [spaces] "migrate:" NAME [options…], as dbmate writes it.
bool parse_marker(const std::string& line, Marker& marker) {
  if (line.compare(0, 2, "--") != 0) return false;
  size_t i = 2;
  while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
  if (line.compare(i, 8, "migrate:") != 0) return false;
  std::istringstream rest(line.substr(i + 8));
  rest >> marker.section;
  for (std::string opt; rest >> opt;) marker.options.push_back(opt);
  return true;
}

// The 1-based line of the first byte sequence that is not UTF-8; 0 when the text is valid.
int first_invalid_utf8_line(const std::string& s) {
  int line = 1;
  for (size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c == '\n') ++line;
    size_t n = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
    if (n == 0 || i + n > s.size() || (n == 2 && c < 0xC2) || (n == 4 && c > 0xF4)) return line;
    for (size_t k = 1; k < n; ++k) {
      if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return line;
    }
    if (n == 3) {  // no overlong forms, no UTF-16 surrogates
      const auto c1 = static_cast<unsigned char>(s[i + 1]);
      if ((c == 0xE0 && c1 < 0xA0) || (c == 0xED && c1 >= 0xA0)) return line;
    }
    if (n == 4) {
      const auto c1 = static_cast<unsigned char>(s[i + 1]);
      if ((c == 0xF0 && c1 < 0x90) || (c == 0xF4 && c1 >= 0x90)) return line;
    }
    i += n;
  }
  return 0;
}

std::optional<Phase> phase_of(const std::string& section) {
  if (section == "expand" || section == "up") return Phase::kExpand;
  if (section == "backfill") return Phase::kBackfill;
  if (section == "contract") return Phase::kContract;
  if (section == "down") return Phase::kDown;
  return std::nullopt;
}

class FileParser {
 public:
  FileParser(const std::string& path, std::vector<Problem>& problems)
      : path_(path), problems_(problems) {}

  void problem(int line, const std::string& message) {
    problems_.push_back(Problem{path_, line, message});
  }

  void apply_option(Section& s, const std::string& option, std::set<std::string>& seen) {
    const size_t colon = option.find(':');
    if (colon == std::string::npos || colon == 0 || colon + 1 == option.size()) {
      problem(s.line, fmt::format("malformed option '{}': expected key:value", option));
      return;
    }
    const std::string key = option.substr(0, colon), value = option.substr(colon + 1);
    if (!seen.insert(key).second) {
      problem(s.line, fmt::format("option {} given twice on one marker", key));
      return;
    }
    const bool backfill = s.phase == Phase::kBackfill;
    auto duration = [&](std::optional<Millis>& into) {
      if (const std::string e = duration_error(value); e.empty()) {
        into = *parse_duration(value);
      } else {
        problem(s.line, fmt::format("option {}: {}", key, e));
      }
    };
    if (key == "transaction" && !backfill) {
      if (value != "true" && value != "false") {
        problem(s.line, fmt::format("option transaction: '{}' must be true or false", value));
      }
      s.transactional = value != "false";
    } else if (key == "lock_timeout") {
      duration(s.lock_timeout);
    } else if (key == "statement_timeout") {
      duration(s.statement_timeout);
    } else if (key == "batch_sleep" && backfill) {
      std::optional<Millis> d;
      duration(d);
      if (d) s.batch_sleep = *d;
    } else if (key == "table" && backfill) {
      s.table = value;
    } else if (key == "key" && backfill) {
      s.key = value;
    } else if (key == "batch_size" && backfill) {
      const bool digits = std::all_of(value.begin(), value.end(), [](char c) {
        return std::isdigit(static_cast<unsigned char>(c));
      });
      if (!digits || value.size() > 9 || std::stoll(value) <= 0) {
        problem(s.line, fmt::format("option batch_size: '{}' must be a positive integer", value));
      } else {
        s.batch_size = std::stoll(value);
      }
    } else {
      problem(s.line,
              fmt::format("unknown option '{}' for section {}{}", key, s.marker,
                          backfill ? " (backfill takes table, key, batch_size, "
                                     "batch_sleep, lock_timeout, statement_timeout)"
                                   : " (takes transaction, lock_timeout, statement_timeout)"));
    }
  }

  void check_backfill(const Section& s) {
    if (!s.keyed() && (!s.key.empty() || s.batch_size != 5000)) {
      problem(s.line, "backfill options key: and batch_size: need table: (a keyed backfill)");
    }
    if (s.statements.empty()) problem(s.line, "backfill section has no statement");
    for (const Statement& st : s.statements) {
      const int params = max_param_number(st.sql);
      if (params < 0) continue;  // not parsed by the grammar: the server checks it at run time
      if (s.keyed() && params != 2) {
        problem(st.line,
                "keyed backfill statement must use $1 and $2 (first and last key of "
                "the batch), e.g. WHERE id BETWEEN $1 AND $2");
      } else if (!s.keyed() && params != 0) {
        problem(st.line, fmt::format("backfill statement uses ${} but has no table: option; add "
                                     "table:NAME for a keyed backfill",
                                     params));
      }
    }
  }

  // Statements a migration section cannot hold, whatever the grammar version.
  void check_statements(const Section& s) {
    const bool transactional = s.transactional || s.phase == Phase::kBackfill;
    for (const Statement& st : s.statements) {
      const std::string control = transaction_control(st.sql);
      if (transactional && !control.empty()) {
        problem(st.line,
                fmt::format("{} in a transactional section: tide runs the {} section in one "
                            "transaction and records it in the same one, so {} would break "
                            "that; remove it, or give the section transaction:false",
                            control, s.marker, control));
      }
      const std::string copy = copy_with_client(st.sql);
      if (!copy.empty()) {
        problem(st.line, fmt::format("COPY … {} needs a client that sends or reads the data, "
                                     "which a migration runner is not: use INSERT … VALUES, or "
                                     "COPY with a server-side file",
                                     copy));
      }
    }
  }

  void place(Migration& m, Section s) {
    check_statements(s);
    const bool seen_expand = m.expand.line > 0;
    switch (s.phase) {
      case Phase::kExpand:
        if (seen_expand) {
          problem(s.line, fmt::format("second expand/up section (first at line {}); a file has "
                                      "exactly one of -- migrate:expand or -- migrate:up",
                                      m.expand.line));
        } else {
          m.expand = std::move(s);
        }
        break;
      case Phase::kBackfill:
        check_backfill(s);
        m.backfills.push_back(std::move(s));
        break;
      case Phase::kContract:
      case Phase::kDown: {
        auto& slot = s.phase == Phase::kContract ? m.contract : m.down;
        if (slot) {
          problem(s.line,
                  fmt::format("second {} section (first at line {})", s.marker, slot->line));
        } else {
          slot = std::move(s);
        }
        break;
      }
    }
  }

 private:
  std::string path_;
  std::vector<Problem>& problems_;
};

}  // namespace

const char* phase_name(Phase p) {
  switch (p) {
    case Phase::kExpand:
      return "expand";
    case Phase::kBackfill:
      return "backfill";
    case Phase::kContract:
      return "contract";
    case Phase::kDown:
      return "down";
  }
  return "?";
}

std::string Problem::to_string() const {
  return line > 0 ? fmt::format("{}:{}: {}", file, line, message)
                  : fmt::format("{}: {}", file, message);
}

bool parse_migration_filename(const std::string& filename, Version& version, std::string& slug) {
  const size_t underscore = filename.find('_');
  if (underscore == 0 || underscore == std::string::npos) return false;
  if (filename.size() < 4 || filename.compare(filename.size() - 4, 4, ".sql") != 0) return false;
  const std::string digits = filename.substr(0, underscore);
  const std::string name = filename.substr(underscore + 1, filename.size() - 4 - underscore - 1);
  auto is_digit = [](char c) { return c >= '0' && c <= '9'; };
  auto is_slug = [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
  };
  if (name.empty() || !std::all_of(digits.begin(), digits.end(), is_digit) ||
      !std::all_of(name.begin(), name.end(), is_slug)) {
    return false;
  }
  version.text = digits;
  slug = name;
  return true;
}

int Version::compare(const Version& other) const {
  auto significant = [](const std::string& s) {
    const size_t nz = s.find_first_not_of('0');
    return nz == std::string::npos ? std::string() : s.substr(nz);
  };
  const std::string a = significant(text), b = significant(other.text);
  if (a.size() != b.size()) return a.size() < b.size() ? -1 : 1;
  return a.compare(b) < 0 ? -1 : (a == b ? 0 : 1);
}

Migration parse_migration(const std::string& path, const std::string& content,
                          std::vector<Problem>& problems) {
  Migration m;
  m.path = path;
  m.filename = path.substr(path.find_last_of('/') + 1);
  m.checksum = migration_checksum(content);
  FileParser parser(path, problems);
  if (!parse_migration_filename(m.filename, m.version, m.name)) {
    parser.problem(0, "file name must be <version>_<slug>.sql: digits, '_', then [a-z0-9_-]+");
  }
  if (content.find('\0') != std::string::npos) {
    parser.problem(0, "file contains NUL bytes: not a text SQL file");
    return m;
  }
  if (const int bad = first_invalid_utf8_line(content)) {
    parser.problem(bad, "invalid UTF-8: save the file as UTF-8 (the server would reject it)");
    return m;
  }

  // Normalise line endings once (and drop a UTF-8 byte order mark, which editors on Windows
  // write); every line number below is a line of this text.
  std::string text;
  text.reserve(content.size());
  const size_t bom = content.compare(0, 3, "\xEF\xBB\xBF") == 0 ? 3 : 0;
  for (size_t i = bom; i < content.size(); ++i) {
    if (!(content[i] == '\r' && i + 1 < content.size() && content[i + 1] == '\n'))
      text += content[i];
  }

  struct Pending {
    Section section;
    size_t body_start;
  };
  std::optional<Pending> open;
  size_t preamble_end = std::string::npos;
  auto close_section = [&](size_t body_end) {
    if (!open) return;
    Section& s = open->section;
    const SplitResult split = split_sql(text.substr(open->body_start, body_end - open->body_start),
                                        s.line + 1, s.statements);
    if (!split.ok) {
      parser.problem(split.error_line, split.error);
    } else if (split.by_scanner && !m.unparsed) {
      m.unparsed = Problem{path, split.error_line,
                           fmt::format("{} — not parsed by the PostgreSQL 15 grammar: lint skipped "
                                       "for this file (newer syntax is left to the server; "
                                       "--strict-parse makes this an error)",
                                       split.error)};
    }
    parser.place(m, std::move(s));
    open.reset();
  };

  size_t pos = 0;
  int line_no = 0;
  while (pos < text.size()) {
    ++line_no;
    size_t eol = text.find('\n', pos);
    if (eol == std::string::npos) eol = text.size();
    Marker marker;
    if (parse_marker(text.substr(pos, eol - pos), marker)) {
      if (preamble_end == std::string::npos) preamble_end = pos;
      close_section(pos);
      auto phase = phase_of(marker.section);
      if (!phase) {
        parser.problem(line_no, fmt::format("unknown section '-- migrate:{}' (expected expand, up, "
                                            "backfill, contract or down)",
                                            marker.section));
      } else {
        Section s;
        s.phase = *phase;
        s.marker = marker.section;
        s.line = line_no;
        std::set<std::string> seen;
        for (const auto& opt : marker.options) parser.apply_option(s, opt, seen);
        open = Pending{std::move(s), std::min(eol + 1, text.size())};
      }
    }
    pos = eol + 1;
  }
  close_section(text.size());

  // Only comments and blank lines may stand before the first marker.
  std::vector<Statement> preamble;
  const std::string head =
      text.substr(0, preamble_end == std::string::npos ? text.size() : preamble_end);
  const SplitResult split = split_sql(head, 1, preamble);
  if (!split.ok || !preamble.empty()) {
    parser.problem(preamble.empty() ? split.error_line : preamble.front().line,
                   "SQL before the first '-- migrate:' marker; only comments and blank lines may "
                   "stand there (start the file with -- migrate:expand or -- migrate:up)");
  } else if (m.expand.line == 0) {
    parser.problem(0, "no '-- migrate:expand' (or '-- migrate:up') section");
  }
  return m;
}

}  // namespace tide
