// Statement splitting with libpg_query: PostgreSQL's own grammar where it accepts the text,
// its scanner (which tokenizes any version's syntax) where it does not. Dollar quotes,
// strings and comments are handled by PostgreSQL's code rather than by a hand-written one.
#include <pg_query.h>

#include <algorithm>
#include <cctype>
#include <nlohmann/json.hpp>

#include "tide/migration/sql_split.hpp"

namespace tide {
namespace {

// Counts lines forward through a text: statements come in order, so the whole split stays
// linear in the text's size (counting from the start for each one was quadratic).
class LineCounter {
 public:
  explicit LineCounter(const std::string& text) : text_(text) {}
  int lines_before(size_t byte_offset) {
    const size_t to = std::min(byte_offset, text_.size());
    if (to < pos_) {
      pos_ = 0;
      lines_ = 0;
    }
    lines_ += static_cast<int>(std::count(text_.begin() + pos_, text_.begin() + to, '\n'));
    pos_ = to;
    return lines_;
  }

 private:
  const std::string& text_;
  size_t pos_ = 0;
  int lines_ = 0;
};

// libpg_query reports the error cursor as a 1-based character (not byte) position.
size_t byte_offset_of_char(const std::string& text, int char_pos) {
  size_t i = 0;
  for (int c = 1; c < char_pos && i < text.size(); ++c) {
    ++i;
    while (i < text.size() && (static_cast<unsigned char>(text[i]) & 0xC0) == 0x80) ++i;
  }
  return i;
}

// Skips whitespace and comments so a statement's line is where its first token stands.
size_t skip_blank_and_comments(const std::string& s, size_t i, size_t end) {
  while (i < end) {
    if (std::isspace(static_cast<unsigned char>(s[i]))) {
      ++i;
    } else if (s.compare(i, 2, "--") == 0) {
      while (i < end && s[i] != '\n') ++i;
    } else if (s.compare(i, 2, "/*") == 0) {
      size_t close = s.find("*/", i + 2);
      i = (close == std::string::npos || close + 2 > end) ? end : close + 2;
    } else {
      break;
    }
  }
  return i;
}

void walk_params(const nlohmann::json& node, int& max_param) {
  if (node.is_object()) {
    auto it = node.find("ParamRef");
    if (it != node.end() && it->contains("number")) {
      max_param = std::max(max_param, (*it)["number"].get<int>());
    }
    for (const auto& [key, value] : node.items()) walk_params(value, max_param);
  } else if (node.is_array()) {
    for (const auto& value : node) walk_params(value, max_param);
  }
}

std::string error_message(const PgQueryError* error) {
  return error->message ? error->message : "syntax error";
}

int error_line_of(const std::string& text, const PgQueryError* error, int first_line) {
  const int pos = error->cursorpos;
  if (pos <= 0) return first_line;
  const size_t offset = byte_offset_of_char(text, pos);
  return first_line + static_cast<int>(std::count(text.begin(), text.begin() + offset, '\n'));
}

// Adds the statements of a split. `fill_gaps`: the scanner's split leaves out text without a
// keyword ("SELEC 2;"); such text becomes a statement of its own, for the server to reject,
// rather than silently vanishing from the migration.
void collect(const std::string& text, int first_line, const PgQuerySplitResult& result,
             bool fill_gaps, std::vector<Statement>& out) {
  LineCounter lines(text);
  auto add = [&](size_t loc, size_t end, bool gap) {
    const size_t start = skip_blank_and_comments(text, loc, end);
    if (start >= end) return;
    size_t stop = end;
    while (stop > start && (std::isspace(static_cast<unsigned char>(text[stop - 1])) ||
                            (gap && text[stop - 1] == ';')))
      --stop;
    if (stop > start) {
      out.push_back(
          Statement{text.substr(start, stop - start), first_line + lines.lines_before(start)});
    }
  };
  size_t covered = 0;
  for (int i = 0; i < result.n_stmts; ++i) {
    const size_t loc = static_cast<size_t>(result.stmts[i]->stmt_location);
    const size_t end = std::min(text.size(), loc + static_cast<size_t>(result.stmts[i]->stmt_len));
    if (fill_gaps && loc > covered) add(covered, loc, true);
    add(loc, end, false);
    covered = std::max(covered, end);
  }
  if (fill_gaps && covered < text.size()) add(covered, text.size(), true);
}

std::string upper_word(const std::string& sql, size_t& i) {
  while (i < sql.size() && std::isspace(static_cast<unsigned char>(sql[i]))) ++i;
  std::string word;
  while (i < sql.size() && (std::isalpha(static_cast<unsigned char>(sql[i])) || sql[i] == '_')) {
    word += static_cast<char>(std::toupper(static_cast<unsigned char>(sql[i++])));
  }
  return word;
}

}  // namespace

SplitResult split_sql(const std::string& text, int first_line, std::vector<Statement>& out) {
  SplitResult r;
  PgQuerySplitResult parsed = pg_query_split_with_parser(text.c_str());
  if (!parsed.error) {
    collect(text, first_line, parsed, false, out);
    pg_query_free_split_result(parsed);
    return r;
  }
  r.error = error_message(parsed.error);
  r.error_line = error_line_of(text, parsed.error, first_line);
  pg_query_free_split_result(parsed);
  // Newer syntax (PostgreSQL 16+) or a mistake: the server will judge it when it runs.
  PgQuerySplitResult scanned = pg_query_split_with_scanner(text.c_str());
  if (scanned.error) {
    r.ok = false;
    r.error = error_message(scanned.error);
    r.error_line = error_line_of(text, scanned.error, first_line);
  } else {
    r.by_scanner = true;
    collect(text, first_line, scanned, true, out);
  }
  pg_query_free_split_result(scanned);
  return r;
}

int max_param_number(const std::string& sql) {
  PgQueryParseResult result = pg_query_parse(sql.c_str());
  int max_param = -1;
  if (!result.error && result.parse_tree) {
    max_param = 0;
    walk_params(nlohmann::json::parse(result.parse_tree, nullptr, false), max_param);
  }
  pg_query_free_parse_result(result);
  return max_param;
}

std::string transaction_control(const std::string& sql) {
  size_t i = 0;
  const std::string first = upper_word(sql, i);
  static const char* const kAlways[] = {"BEGIN", "COMMIT",    "ROLLBACK", "END",
                                        "ABORT", "SAVEPOINT", "RELEASE"};
  for (const char* k : kAlways) {
    if (first == k) return first;
  }
  if (first == "START" || first == "PREPARE") {
    const std::string second = upper_word(sql, i);
    if (second == "TRANSACTION") return first + " TRANSACTION";
  }
  return "";
}

std::string copy_with_client(const std::string& sql) {
  size_t i = 0;
  if (upper_word(sql, i) != "COPY") return "";
  PgQueryParseResult result = pg_query_parse(sql.c_str());
  std::string out;
  if (!result.error && result.parse_tree) {
    const auto doc = nlohmann::json::parse(result.parse_tree, nullptr, false);
    const auto& stmt = doc.value("stmts", nlohmann::json::array());
    if (!stmt.empty() && stmt[0].contains("stmt") && stmt[0]["stmt"].contains("CopyStmt")) {
      const auto& copy = stmt[0]["stmt"]["CopyStmt"];
      if (!copy.contains("filename") && !copy.value("is_program", false)) {
        out = copy.value("is_from", false) ? "FROM STDIN" : "TO STDOUT";
      }
    }
  } else {  // newer syntax: look for the words themselves
    for (std::string word; i < sql.size(); ++i) {
      if (std::isalpha(static_cast<unsigned char>(sql[i]))) {
        word = upper_word(sql, i);
        if (word == "STDIN") out = "FROM STDIN";
        if (word == "STDOUT") out = "TO STDOUT";
        if (!out.empty() || i >= sql.size()) break;
      }
    }
  }
  pg_query_free_parse_result(result);
  return out;
}

std::string quote_ident(const std::string& ident) {
  std::string out = "\"";
  for (char c : ident) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

}  // namespace tide
