// Statement splitting with libpg_query's parser: dollar quotes, strings and comments
// are handled by PostgreSQL's own grammar rather than by a hand-written scanner.
#include <pg_query.h>

#include <algorithm>
#include <cctype>
#include <nlohmann/json.hpp>

#include "tide/sql.hpp"

namespace tide {
namespace {

int lines_before(const std::string& text, size_t byte_offset) {
  return static_cast<int>(
      std::count(text.begin(), text.begin() + std::min(byte_offset, text.size()), '\n'));
}

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

}  // namespace

bool split_sql(const std::string& text, int first_line, std::vector<Statement>& out,
               std::string& error, int& error_line) {
  PgQuerySplitResult result = pg_query_split_with_parser(text.c_str());
  if (result.error) {
    error = result.error->message ? result.error->message : "syntax error";
    const int pos = result.error->cursorpos;
    error_line = first_line + (pos > 0 ? lines_before(text, byte_offset_of_char(text, pos)) : 0);
    pg_query_free_split_result(result);
    return false;
  }
  for (int i = 0; i < result.n_stmts; ++i) {
    const size_t loc = static_cast<size_t>(result.stmts[i]->stmt_location);
    const size_t end = loc + static_cast<size_t>(result.stmts[i]->stmt_len);
    const size_t start = skip_blank_and_comments(text, loc, end);
    if (start >= end) continue;
    size_t stop = end;
    while (stop > start && std::isspace(static_cast<unsigned char>(text[stop - 1]))) --stop;
    out.push_back(
        Statement{text.substr(start, stop - start), first_line + lines_before(text, start)});
  }
  pg_query_free_split_result(result);
  return true;
}

int max_param_number(const std::string& sql) {
  PgQueryParseResult result = pg_query_parse(sql.c_str());
  int max_param = 0;
  if (!result.error && result.parse_tree) {
    walk_params(nlohmann::json::parse(result.parse_tree, nullptr, false), max_param);
  }
  pg_query_free_parse_result(result);
  return max_param;
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
