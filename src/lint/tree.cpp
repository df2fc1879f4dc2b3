// Helpers over libpg_query's JSON parse tree (PostgreSQL 15 node names).
#include "lint/tree.hpp"

#include <pg_query.h>

#include <cctype>
#include <set>

namespace tide::lint {

std::optional<Json> parse_statement(const std::string& sql) {
  PgQueryParseResult result = pg_query_parse(sql.c_str());
  std::optional<Json> out;
  if (!result.error && result.parse_tree) {
    Json doc = Json::parse(result.parse_tree, nullptr, false);
    if (doc.is_object() && doc.contains("stmts") && !doc["stmts"].empty() &&
        doc["stmts"][0].contains("stmt")) {
      out = std::move(doc["stmts"][0]["stmt"]);
    }
  }
  pg_query_free_parse_result(result);
  return out;
}

const Json& field(const Json& body, const char* key) {
  static const Json empty = Json::object();
  if (!body.is_object()) return empty;
  auto it = body.find(key);
  return it == body.end() ? empty : *it;
}

const std::string& node_type(const Json& node) {
  static const std::string none;
  if (!node.is_object() || node.size() != 1) return none;
  return node.begin().key();
}

const Json* node_body(const Json& node, const char* type) {
  if (!node.is_object()) return nullptr;
  auto it = node.find(type);
  return it == node.end() ? nullptr : &*it;
}

std::string string_value(const Json& node) {
  const Json* s = node_body(node, "String");
  if (!s) return {};
  auto it = s->find("sval");
  return it != s->end() && it->is_string() ? it->get<std::string>() : std::string();
}

std::vector<std::string> string_list(const Json& list) {
  std::vector<std::string> out;
  if (!list.is_array()) return out;
  for (const Json& item : list) out.push_back(string_value(item));
  return out;
}

std::string relation_key(const Json& range_var) {
  if (!range_var.is_object()) return {};
  const std::string schema = range_var.value("schemaname", std::string("public"));
  return schema + "." + range_var.value("relname", std::string());
}

std::string qualified_key(const std::vector<std::string>& names) {
  if (names.empty()) return {};
  const std::string& name = names.back();
  return (names.size() >= 2 ? names[names.size() - 2] : std::string("public")) + "." + name;
}

std::vector<std::string> dropped_keys(const Json& drop) {
  std::vector<std::string> keys;
  for (const Json& object : field(drop, "objects")) {
    if (const Json* list = node_body(object, "List")) {
      keys.push_back(qualified_key(string_list(field(*list, "items"))));
    }
  }
  return keys;
}

std::string display_name(const std::string& key) {
  return key.compare(0, 7, "public.") == 0 ? key.substr(7) : key;
}

int location_of(const Json& body) {
  auto it = body.find("location");
  return it != body.end() && it->is_number_integer() ? it->get<int>() : -1;
}

void for_each_node(const Json& tree,
                   const std::function<void(const std::string&, const Json&)>& visit) {
  if (tree.is_array()) {
    for (const Json& item : tree) for_each_node(item, visit);
  } else if (tree.is_object()) {
    for (auto it = tree.begin(); it != tree.end(); ++it) {
      // Node types are CamelCase keys whose value is an object; fields are lower case.
      const std::string& key = it.key();
      if (it->is_object() && !key.empty() && key[0] >= 'A' && key[0] <= 'Z') visit(key, *it);
      for_each_node(*it, visit);
    }
  }
}

bool contains_node(const Json& tree, const char* type) {
  bool found = false;
  for_each_node(tree, [&](const std::string& t, const Json&) { found = found || t == type; });
  return found;
}

std::string ColumnType::display() const {
  std::string s = name;
  if (!mods.empty()) {
    s += "(";
    for (size_t i = 0; i < mods.size(); ++i) s += (i ? "," : "") + std::to_string(mods[i]);
    s += ")";
  }
  return array ? s + "[]" : s;
}

ColumnType column_type(const Json& type_name) {
  ColumnType t;
  const auto names = string_list(field(type_name, "names"));
  if (!names.empty()) t.name = names.back();
  for (const Json& mod : field(type_name, "typmods")) {
    const Json* c = node_body(mod, "A_Const");
    if (c && c->contains("ival")) t.mods.push_back((*c)["ival"].value("ival", 0LL));
  }
  t.array = type_name.contains("arrayBounds");
  return t;
}

// Changes PostgreSQL makes without rewriting the table (binary-coercible or widening).
bool changes_without_rewrite(const ColumnType& from, const ColumnType& to) {
  if (from == to) return true;
  if (from.array != to.array) return false;
  auto widens = [&] {  // no limit, or a limit at least as large
    return to.mods.empty() || (!from.mods.empty() && to.mods[0] >= from.mods[0]);
  };
  if (to.name == "text") return from.name == "varchar";
  if (to.name == "varchar")
    return (from.name == "text" && to.mods.empty()) || (from.name == "varchar" && widens());
  if (to.name == "varbit") return from.name == "varbit" && widens();
  if (to.name == "numeric" && from.name == "numeric") {
    if (to.mods.empty()) return true;
    auto scale = [](const ColumnType& t) { return t.mods.size() > 1 ? t.mods[1] : 0; };
    return !from.mods.empty() && scale(from) == scale(to) && to.mods[0] >= from.mods[0];
  }
  return to.name == "inet" && from.name == "cidr";
}

// Time zone names PostgreSQL treats as UTC: timestamp → timestamptz then keeps the stored
// values, so it skips the table rewrite (PostgreSQL 12+; indexes on the column are rebuilt).
bool is_utc(std::string zone) {
  for (char& c : zone) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  static const std::set<std::string> utc = {
      "utc",  "etc/utc",  "gmt",       "etc/gmt",       "uct",       "etc/uct",
      "zulu", "etc/zulu", "universal", "etc/universal", "greenwich", "etc/greenwich",
      "z",    "gmt0",     "etc/gmt0",  "+00:00",        "00:00"};
  return utc.count(zone) > 0;
}

std::vector<std::string> called_functions(const Json& expr) {
  std::vector<std::string> out;
  for_each_node(expr, [&](const std::string& type, const Json& body) {
    if (type != "FuncCall") return;
    const auto names = string_list(field(body, "funcname"));
    if (!names.empty()) out.push_back(names.back());
  });
  return out;
}

}  // namespace tide::lint
