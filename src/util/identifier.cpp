// SQL identifier quoting and the metadata table's schema-qualified name.
#include "tide/util/identifier.hpp"

#include <fmt/format.h>

#include "tide/error.hpp"

namespace tide {

std::string quote_ident(const std::string& ident) {
  std::string out = "\"";
  for (char c : ident) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

std::string quote_qualified(const std::string& name) {
  const size_t dot = name.find('.');
  if (dot == std::string::npos) return quote_ident(name);
  return quote_ident(name.substr(0, dot)) + "." + quote_ident(name.substr(dot + 1));
}

QualifiedName parse_table_name(const std::string& name) {
  const size_t dot = name.find('.');
  QualifiedName q{"public", name};
  if (dot != std::string::npos) {
    q.schema = name.substr(0, dot);
    q.table = name.substr(dot + 1);
  }
  if (q.schema.empty() || q.table.empty() || q.table.find('.') != std::string::npos) {
    throw usage_error(fmt::format("table '{}' must be NAME or SCHEMA.NAME", name));
  }
  // PostgreSQL cuts identifiers at 63 bytes: the history table "<table>_history" must fit too,
  // or it would be cut onto the table's own name.
  constexpr size_t kMaxIdentifier = 63;
  const size_t max_table = kMaxIdentifier - std::string("_history").size();
  if (q.schema.size() > kMaxIdentifier) {
    throw usage_error(fmt::format("table '{}': the schema name is {} bytes; PostgreSQL allows {}",
                                  name, q.schema.size(), kMaxIdentifier));
  }
  if (q.table.size() > max_table) {
    throw usage_error(fmt::format(
        "table '{}': the name is {} bytes; at most {} (PostgreSQL allows {} bytes, and the "
        "history table NAME_history must fit too)",
        name, q.table.size(), max_table, kMaxIdentifier));
  }
  return q;
}

std::string QualifiedName::quoted() const {
  return quote_ident(schema) + "." + quote_ident(table);
}

}  // namespace tide
