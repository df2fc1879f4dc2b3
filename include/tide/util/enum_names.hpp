// Closed sets of names (tide.yaml's `lint: error|warn|off`, a plan's command): one table of
// {name, value} pairs beside each enum, read by parsing, printing and the "one of …" message.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace tide::util {

template <typename Enum>
struct EnumName {
  std::string_view name;
  Enum value;
};

// The value `name` stands for, or nullopt when the table has no such name.
template <typename Enum, size_t N>
constexpr std::optional<Enum> parse_enum(const EnumName<Enum> (&table)[N], std::string_view name) {
  for (const EnumName<Enum>& e : table) {
    if (e.name == name) return e.value;
  }
  return std::nullopt;
}

// The name of `value`; empty for a value the table leaves unnamed (e.g. "not set").
template <typename Enum, size_t N>
constexpr std::string_view enum_name(const EnumName<Enum> (&table)[N], Enum value) {
  for (const EnumName<Enum>& e : table) {
    if (e.value == value) return e.name;
  }
  return {};
}

// "a, b, c": every name in the table's order, for a message listing what is accepted.
template <typename Enum, size_t N>
std::string enum_names(const EnumName<Enum> (&table)[N]) {
  std::string out;
  for (const EnumName<Enum>& e : table) {
    if (!out.empty()) out += ", ";
    out += e.name;
  }
  return out;
}

}  // namespace tide::util
