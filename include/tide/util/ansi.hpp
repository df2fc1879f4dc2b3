// ANSI colour for text meant for a terminal: one place that writes and measures the escapes.
#pragma once

#include <string>
#include <string_view>

namespace tide::util {

enum class Color { no, yes };
inline Color color_if(bool on) {
  return on ? Color::yes : Color::no;
}

// `text` wrapped in the SGR code (e.g. "1;31" bold red) when `color` is yes; else unchanged.
std::string paint(std::string_view code, std::string_view text, Color color);
// Columns `text` takes on a terminal: escapes take none, a UTF-8 code point one.
size_t visible_width(std::string_view text);

}  // namespace tide::util
