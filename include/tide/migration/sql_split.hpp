// SQL text handling backed by the real PostgreSQL parser and scanner (libpg_query).
#pragma once

#include <string>
#include <vector>

#include "tide/migration/migration.hpp"

namespace tide {

struct SplitResult {
  bool ok = true;           // false: not even the scanner could split it (unterminated quote…)
  bool by_scanner = false;  // the PostgreSQL 15 grammar rejected the text; the scanner split it
  std::string error;        // the parser's message (or the scanner's when !ok)
  int error_line = 0;       // file line of `error`
};

// Splits `text` into statements, in time linear in its size. `first_line` is the file line
// on which `text` starts, so statement lines and error lines are file lines. Where the
// PostgreSQL 15 grammar rejects the text (newer syntax, or a mistake), the scanner splits it
// instead and the result says so: the server judges the syntax when the statements run.
SplitResult split_sql(const std::string& text, int first_line, std::vector<Statement>& out);

// The highest $N parameter number a statement uses (0 when none); -1 when the PostgreSQL 15
// grammar does not parse the statement.
int max_param_number(const std::string& sql);

// "BEGIN", "COMMIT", "ROLLBACK", "END", "ABORT", "SAVEPOINT", "RELEASE", "START TRANSACTION" or
// "PREPARE TRANSACTION" when the statement is transaction control; "" otherwise.
std::string transaction_control(const std::string& sql);

// "FROM STDIN" or "TO STDOUT" for a COPY that exchanges its data with the client; "" otherwise.
std::string copy_with_client(const std::string& sql);

// Quotes a (possibly schema-qualified, already split) identifier for SQL, like quote_ident.
std::string quote_ident(const std::string& ident);

}  // namespace tide
