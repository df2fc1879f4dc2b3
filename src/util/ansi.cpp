// ANSI SGR escapes (ECMA-48): ESC [ code m … ESC [ 0 m.
#include "tide/util/ansi.hpp"

namespace tide::util {

std::string paint(std::string_view code, std::string_view text, Color color) {
  if (color == Color::no) return std::string(text);
  std::string out = "\033[";
  out.append(code);
  out += 'm';
  out.append(text);
  out += "\033[0m";
  return out;
}

size_t visible_width(std::string_view s) {
  size_t n = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\033') {
      while (i < s.size() && s[i] != 'm') ++i;
    } else if ((static_cast<unsigned char>(s[i]) & 0xC0) != 0x80) {
      ++n;
    }
  }
  return n;
}

}  // namespace tide::util
