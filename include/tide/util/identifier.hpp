// SQL identifiers: quoting and schema-qualified names, in one place. Needs no database and no
// config, so the db layer includes it without pulling in tide.yaml's types.
#pragma once

#include <string>

namespace tide {

// Quotes one identifier for SQL, like PostgreSQL's quote_ident (always, doubling '"').
std::string quote_ident(const std::string& ident);
// "schema"."name" for `schema.name`, "name" for a name without a dot (split at the first dot).
std::string quote_qualified(const std::string& name);

// A schema-qualified table name split in two; schema defaults to "public".
struct QualifiedName {
  std::string schema;
  std::string table;
  std::string quoted() const;  // "schema"."table"
};
// Errors (exit 2) for a name with more than one dot, or too long for PostgreSQL's 63-byte
// identifiers (the table, and its "<table>_history" companion).
QualifiedName parse_table_name(const std::string& name);

}  // namespace tide
