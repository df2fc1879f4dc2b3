// SQL text handling backed by the real PostgreSQL parser (libpg_query).
#pragma once

#include <string>
#include <vector>

#include "tide/migration.hpp"

namespace tide {

// Splits `text` into statements. `first_line` is the file line on which `text` starts, so
// statement lines and error lines are file lines. On a syntax error returns false and fills
// `error` (the parser's message) and `error_line`.
bool split_sql(const std::string& text, int first_line, std::vector<Statement>& out,
               std::string& error, int& error_line);

// The highest $N parameter number a statement uses (0 when none). The statement must parse.
int max_param_number(const std::string& sql);

// Quotes a (possibly schema-qualified, already split) identifier for SQL, like quote_ident.
std::string quote_ident(const std::string& ident);

}  // namespace tide
