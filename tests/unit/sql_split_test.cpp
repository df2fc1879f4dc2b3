// Statement splitting and the statement checks of src/migration/sql_split.cpp.
#include <catch2/catch.hpp>

#include "tide/migration/sql_split.hpp"

using namespace tide;

TEST_CASE("max_param_number reads $N from the parse tree only", "[sql_split]") {
  CHECK(max_param_number("UPDATE t SET x = 1 WHERE id BETWEEN $1 AND $2") == 2);
  CHECK(max_param_number("SELECT $3, $1, $12") == 12);
  CHECK(max_param_number("UPDATE t SET x = 1") == 0);
  CHECK(max_param_number("SELECT $1[1], ($2).f") == 2);
  // Not parameters: text in strings, quoted identifiers, comments, dollar quotes, names.
  CHECK(max_param_number("SELECT '$1', \"$2\" FROM t -- $3\n") == 0);
  CHECK(max_param_number("SELECT $$ $4 $$, a$5 FROM t /* $6 */") == 0);
  // Text that looks like the tree's own JSON, inside a string.
  CHECK(max_param_number("SELECT '{\"ParamRef\":{\"number\":9}}', $1") == 1);
  CHECK(max_param_number("SELECT '\"ParamRef\":{\"number\":9}' || \"\"\"ParamRef\"\":\"") == 0);
  // Not PostgreSQL 15 grammar: unknown.
  CHECK(max_param_number("SELEC $1") == -1);
}
