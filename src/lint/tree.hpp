// Reading libpg_query's JSON parse tree: names of relations and types, node search, and
// which expressions PostgreSQL evaluates per row (volatile). Shared by every rule.
#pragma once

#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace tide::lint {

using Json = nlohmann::json;

// Parses one statement; nullopt when it does not parse (the file parser reported it).
// The result is the statement node itself, e.g. {"AlterTableStmt": {...}}.
std::optional<Json> parse_statement(const std::string& sql);

// A field of a node body, or an empty object when the field (or the body) is missing, so
// lookups chain without checks and without copying subtrees.
const Json& field(const Json& body, const char* key);
const Json& field(Json&&, const char*) = delete;  // would point into a temporary

// The single key of a node object ("AlterTableStmt"), or "" for anything else.
const std::string& node_type(const Json& node);
const std::string& node_type(Json&&) = delete;
// The body of a node of the given type, or nullptr when `node` is not of that type.
const Json* node_body(const Json& node, const char* type);
const Json* node_body(Json&&, const char*) = delete;

// {"String":{"sval":"x"}} → "x"; "" for anything else.
std::string string_value(const Json& node);
// A list of String nodes → their values.
std::vector<std::string> string_list(const Json& list);
// A RangeVar body → "schema.name", schema defaulting to "public".
std::string relation_key(const Json& range_var);
// ["a"] → "public.a", ["s","a"] → "s.a" (DROP statements name objects this way).
std::string qualified_key(const std::vector<std::string>& names);
// A DropStmt body → the qualified key of every object it names.
std::vector<std::string> dropped_keys(const Json& drop);
// For messages: "public.users" → "users".
std::string display_name(const std::string& key);

// The "location" field of a node body (byte offset in the statement), or -1.
int location_of(const Json& body);

// Calls `visit(type, body)` for every node in the tree, depth first.
void for_each_node(const Json& tree,
                   const std::function<void(const std::string& type, const Json& body)>& visit);
// True when some node of the tree is of `type`.
bool contains_node(const Json& tree, const char* type);

// A column type as written: last name part ("varchar", "int4"), its modifiers, array-ness.
struct ColumnType {
  std::string name;
  std::vector<long long> mods;  // varchar(20) → {20}; numeric(10,2) → {10,2}
  bool array = false;
  std::string display() const;
  bool operator==(const ColumnType& o) const {
    return name == o.name && mods == o.mods && array == o.array;
  }
};
// A TypeName body → ColumnType.
ColumnType column_type(const Json& type_name);
// Changes PostgreSQL makes without rewriting the table (binary-coercible or widening).
bool changes_without_rewrite(const ColumnType& from, const ColumnType& to);
// Time zone names PostgreSQL treats as UTC ("UTC", "Etc/UTC", "GMT", "Z", …).
bool is_utc(std::string zone);

// The function names called anywhere in an expression (last name part, lower case).
std::vector<std::string> called_functions(const Json& expr);

}  // namespace tide::lint
