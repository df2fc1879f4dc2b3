// ${VAR} and ${VAR:-default} in tide.yaml values, from an injected variable lookup.
#include <fmt/format.h>

#include <cstdlib>

#include "tide/config/config.hpp"
#include "tide/error.hpp"

namespace tide {

EnvLookup process_environment() {
  return [](const std::string& name) -> std::optional<std::string> {
    const char* v = std::getenv(name.c_str());
    return v ? std::optional<std::string>(v) : std::nullopt;
  };
}

namespace {

// Messages about a value never quote the value: it may hold a password.
void check_variable_syntax(const std::string& text, const std::string& where) {
  for (size_t i = text.find("${"); i != std::string::npos; i = text.find("${", i + 2)) {
    const size_t close = text.find('}', i + 2);
    if (close == std::string::npos) {
      throw usage_error(fmt::format(
          "{}: unclosed '${{' (write ${{NAME}} or ${{NAME:-default}}; the value is not shown: it "
          "may hold a password)",
          where));
    }
    if (close == i + 2 || text.compare(i + 2, 2, ":-") == 0)
      throw usage_error(fmt::format("{}: empty variable name in '${{}}'", where));
    i = close - 1;
  }
}

}  // namespace

std::string expand_variables(const std::string& text, const EnvLookup& env,
                             const std::string& where) {
  check_variable_syntax(text, where);
  std::string out;
  size_t i = 0;
  while (i < text.size()) {
    if (text.compare(i, 2, "${") != 0) {
      out += text[i++];
      continue;
    }
    const size_t close = text.find('}', i + 2);
    const std::string inner = text.substr(i + 2, close - i - 2);
    const size_t dash = inner.find(":-");
    const std::string name = inner.substr(0, dash);
    if (name.empty()) throw usage_error(fmt::format("{}: empty variable name in '${{}}'", where));
    if (auto value = env(name); value && !(dash != std::string::npos && value->empty())) {
      out += *value;
    } else if (dash != std::string::npos) {
      out += inner.substr(dash + 2);
    } else {
      throw usage_error(
          fmt::format("{}: environment variable {} is not set (write ${{{}:-default}} "
                      "to give a default)",
                      where, name, name));
    }
    i = close + 1;
  }
  return out;
}

}  // namespace tide
