// The tools tide adopts from, and the helpers every converter shares.
#include <fmt/format.h>

#include <cctype>
#include <sstream>

#include "convert.hpp"
#include "tide/migration/sql_split.hpp"

namespace tide::adopt {

const char* tool_name(Tool t) {
  switch (t) {
    case Tool::kDbmate:
      return "dbmate";
    case Tool::kSqlMigrate:
      return "sql-migrate";
    case Tool::kGolangMigrate:
      return "golang-migrate";
    case Tool::kGoose:
      return "goose";
    case Tool::kFlyway:
      return "flyway";
  }
  return "?";
}

std::optional<Tool> parse_tool(const std::string& name) {
  for (Tool t :
       {Tool::kDbmate, Tool::kSqlMigrate, Tool::kGolangMigrate, Tool::kGoose, Tool::kFlyway}) {
    if (name == tool_name(t)) return t;
  }
  return std::nullopt;
}

std::string default_table(Tool t) {
  switch (t) {
    case Tool::kDbmate:
    case Tool::kGolangMigrate:
      return "schema_migrations";
    case Tool::kSqlMigrate:
      return "gorp_migrations";
    case Tool::kGoose:
      return "goose_db_version";
    case Tool::kFlyway:
      return "flyway_schema_history";
  }
  return "";
}

std::string slugify(const std::string& name) {
  std::string slug;
  for (unsigned char c : name) {
    if (std::isalnum(c) && c < 0x80) {
      slug += static_cast<char>(std::tolower(c));
    } else if (c == '-') {
      slug += '-';
    } else if (!slug.empty() && slug.back() != '_') {
      slug += '_';
    }
  }
  while (!slug.empty() && (slug.back() == '_' || slug.back() == '-')) slug.pop_back();
  while (!slug.empty() && (slug.front() == '_' || slug.front() == '-')) slug.erase(0, 1);
  return slug.empty() ? "migration" : slug;
}

std::string leading_digits(const std::string& name) {
  size_t n = 0;
  while (n < name.size() && std::isdigit(static_cast<unsigned char>(name[n]))) ++n;
  return name.substr(0, n);
}

std::string without_leading_zeros(const std::string& digits) {
  const size_t nz = digits.find_first_not_of('0');
  return nz == std::string::npos ? "0" : digits.substr(nz);
}

std::string rewrite_lines(
    const std::string& content,
    const std::function<std::optional<std::string>(const std::string&)>& replace) {
  std::string out;
  out.reserve(content.size() + 64);
  size_t pos = 0;
  while (pos < content.size()) {
    size_t eol = content.find('\n', pos);
    const bool has_newline = eol != std::string::npos;
    if (!has_newline) eol = content.size();
    size_t end = eol;
    if (end > pos && content[end - 1] == '\r') --end;
    const std::string line = content.substr(pos, end - pos);
    const auto repl = replace(line);
    out += repl ? *repl : line;
    out += content.substr(end, (has_newline ? eol + 1 : eol) - end);  // "\r\n", "\n" or ""
    pos = has_newline ? eol + 1 : eol;
  }
  return out;
}

std::string marker(const char* section, bool transactional) {
  return std::string("-- migrate:") + section + (transactional ? "" : " transaction:false");
}

namespace {

// Drops leading blanks and comments from a statement's text.
std::string strip_leading_comments(const std::string& sql) {
  size_t i = 0;
  while (i < sql.size()) {
    if (std::isspace(static_cast<unsigned char>(sql[i]))) {
      ++i;
    } else if (sql.compare(i, 2, "--") == 0) {
      const size_t eol = sql.find('\n', i);
      i = eol == std::string::npos ? sql.size() : eol + 1;
    } else if (sql.compare(i, 2, "/*") == 0) {
      const size_t end = sql.find("*/", i + 2);
      i = end == std::string::npos ? sql.size() : end + 2;
    } else {
      break;
    }
  }
  return sql.substr(i);
}

}  // namespace

std::vector<std::string> statement_heads(const std::string& sql) {
  std::vector<Statement> statements;
  std::vector<std::string> heads;
  if (!split_sql(sql, 1, statements).ok) return heads;
  for (const Statement& st : statements) {
    std::istringstream words(strip_leading_comments(st.sql));
    std::string head, word;
    for (int n = 0; n < 6 && words >> word; ++n) {
      for (char& c : word) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      head += (head.empty() ? "" : " ") + word;
    }
    if (!head.empty()) heads.push_back(head);
  }
  return heads;
}

bool runs_outside_transaction(const std::string& sql) {
  const auto heads = statement_heads(sql);
  auto starts = [](const std::string& head, const char* prefix) {
    return head.rfind(prefix, 0) == 0;
  };
  for (const std::string& h : heads) {
    for (const char* tc : {"BEGIN", "COMMIT", "ROLLBACK", "END", "START TRANSACTION"}) {
      if (h == tc || starts(h, (std::string(tc) + " ").c_str()) ||
          starts(h, (std::string(tc) + ";").c_str())) {
        return true;
      }
    }
  }
  if (heads.size() != 1) return false;
  const std::string& h = heads.front();
  const bool concurrently = h.find(" CONCURRENTLY") != std::string::npos &&
                            (starts(h, "CREATE INDEX") || starts(h, "CREATE UNIQUE INDEX") ||
                             starts(h, "DROP INDEX") || starts(h, "REINDEX"));
  return concurrently || starts(h, "VACUUM") || starts(h, "CREATE DATABASE") ||
         starts(h, "DROP DATABASE") || starts(h, "ALTER SYSTEM") ||
         starts(h, "CREATE TABLESPACE") || starts(h, "DROP TABLESPACE");
}

Conversion convert(Tool tool, const std::vector<SourceFile>& files) {
  Conversion out;
  out.tool = tool;
  switch (tool) {
    case Tool::kDbmate:
      convert_dbmate(files, out);
      break;
    case Tool::kSqlMigrate:
      convert_sql_migrate(files, out);
      break;
    case Tool::kGolangMigrate:
      convert_golang_migrate(files, out);
      break;
    case Tool::kGoose:
      convert_goose(files, out);
      break;
    case Tool::kFlyway:
      convert_flyway(files, out);
      break;
  }
  // Every converted file must be a valid tide file, and tide's order (by version) must be
  // the tool's order.
  for (size_t i = 0; i < out.migrations.size(); ++i) {
    const Converted& c = out.migrations[i];
    std::vector<Problem> problems;
    parse_migration(c.filename, c.content, problems);
    for (Problem& p : problems) {
      // Converted line for line (dbmate, sql-migrate, goose): the line is the source's.
      const bool same_lines =
          c.sources.find(" + ") == std::string::npos &&
          (tool == Tool::kDbmate || tool == Tool::kSqlMigrate || tool == Tool::kGoose);
      p.file = same_lines ? c.sources : c.filename + " (converted from " + c.sources + ")";
      out.problems.push_back(std::move(p));
    }
    if (i == 0) continue;
    Version a, b;
    std::string slug;
    const Converted& prev = out.migrations[i - 1];
    if (parse_migration_filename(prev.filename, a, slug) &&
        parse_migration_filename(c.filename, b, slug) && !(a < b)) {
      out.problems.push_back(Problem{
          c.sources, 0,
          a == b ? fmt::format("version {} is also used by {}", b.text, prev.sources)
                 : std::string(tool_name(tool)) + " runs " + prev.sources + " before " + c.sources +
                       ", but their versions order them the other way in tide: "
                       "rename one so that the numbers follow the order"});
    }
  }
  return out;
}

}  // namespace tide::adopt
