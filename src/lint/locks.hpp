// The lock analysis of one statement (src/lint/locks.cpp), for the driver in the same file and
// for unit tests.
#pragma once

#include "lint/schema.hpp"
#include "tide/lint/lint.hpp"

namespace tide::lint {

// What `stmt` (a parse-tree statement node) locks, given what earlier statements created.
StatementLocks statement_locks(const Json& stmt, const Schema& schema);

}  // namespace tide::lint
