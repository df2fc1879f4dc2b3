// Internal to src/adopt: one converter per tool and the helpers they share.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "tide/adopt/adopt.hpp"

namespace tide::adopt {

void convert_dbmate(const std::vector<SourceFile>& files, Conversion& out);
void convert_sql_migrate(const std::vector<SourceFile>& files, Conversion& out);
void convert_goose(const std::vector<SourceFile>& files, Conversion& out);
void convert_golang_migrate(const std::vector<SourceFile>& files, Conversion& out);
void convert_flyway(const std::vector<SourceFile>& files, Conversion& out);

// Flyway's version "1_2" / "01.2.0" as the key "1.2" (how its table is matched).
std::string flyway_key(const std::string& version);
// Flyway's order of two versions: part by part, numerically.
bool flyway_less(const std::string& a, const std::string& b);

// The leading digits of `name` ("" when it does not start with one).
std::string leading_digits(const std::string& name);

// "0042" → "42", "000" → "0": how tools that store versions as integers print them.
std::string without_leading_zeros(const std::string& digits);

// Rewrites `content` line by line: `replace` gets each line without its line ending and
// returns the new line, or nullopt to keep it. Line endings (LF or CRLF) are kept.
std::string rewrite_lines(
    const std::string& content,
    const std::function<std::optional<std::string>(const std::string&)>& replace);

// True when the SQL must run outside a transaction as the tool runs it: it holds transaction
// control (BEGIN … COMMIT written in the file), or it is a single statement PostgreSQL refuses
// inside a transaction block (CREATE INDEX CONCURRENTLY, VACUUM, …).
bool runs_outside_transaction(const std::string& sql);

// The statements' keywords, upper-cased, comments dropped: for the checks above.
std::vector<std::string> statement_heads(const std::string& sql);

// A section marker line for tide: "-- migrate:up" / "-- migrate:down" (+ " transaction:false").
std::string marker(const char* section, bool transactional);

}  // namespace tide::adopt
