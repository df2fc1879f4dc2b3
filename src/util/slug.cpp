// The slug core: ASCII letters and digits, separators folded, Latin letters transliterated.
#include "tide/util/slug.hpp"

#include <cctype>
#include <optional>

namespace tide::util {
namespace {

// One UTF-8 code point at text[i], advancing i; nullopt for a malformed sequence.
std::optional<char32_t> decode_utf8(const std::string& text, size_t& i) {
  const unsigned char lead = static_cast<unsigned char>(text[i]);
  const int len = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 0;
  if (len == 0 || lead >= 0xF8 || i + len > text.size()) return std::nullopt;
  char32_t cp = lead & (0x7F >> len);
  for (int k = 1; k < len; ++k) {
    const unsigned char c = static_cast<unsigned char>(text[i + k]);
    if ((c & 0xC0) != 0x80) return std::nullopt;
    cp = (cp << 6) | (c & 0x3F);
  }
  i += len;
  return cp;
}

// ASCII for the Latin letters of Latin-1 and Latin Extended-A (as unidecode spells them);
// nullptr for anything else.
const char* transliterate(char32_t cp) {
  // clang-format off
  // U+00C0..U+00FF
  static const char* const kLatin1[64] = {
      "a", "a", "a", "a", "a", "a", "ae", "c", "e", "e", "e", "e", "i", "i", "i", "i",
      "d", "n", "o", "o", "o", "o", "o", nullptr, "o", "u", "u", "u", "u", "y", "th", "ss",
      "a", "a", "a", "a", "a", "a", "ae", "c", "e", "e", "e", "e", "i", "i", "i", "i",
      "d", "n", "o", "o", "o", "o", "o", nullptr, "o", "u", "u", "u", "u", "y", "th", "y"};
  // U+0100..U+017F
  static const char* const kLatinExtendedA[128] = {
      "a", "a", "a", "a", "a", "a", "c", "c", "c", "c", "c", "c", "c", "c", "d", "d",
      "d", "d", "e", "e", "e", "e", "e", "e", "e", "e", "e", "e", "g", "g", "g", "g",
      "g", "g", "g", "g", "h", "h", "h", "h", "i", "i", "i", "i", "i", "i", "i", "i",
      "i", "i", "ij", "ij", "j", "j", "k", "k", "q", "l", "l", "l", "l", "l", "l", "l",
      "l", "l", "l", "n", "n", "n", "n", "n", "n", "n", "ng", "ng", "o", "o", "o", "o",
      "o", "o", "oe", "oe", "r", "r", "r", "r", "r", "r", "s", "s", "s", "s", "s", "s",
      "s", "s", "t", "t", "t", "t", "t", "t", "u", "u", "u", "u", "u", "u", "u", "u",
      "u", "u", "u", "u", "w", "w", "y", "y", "y", "z", "z", "z", "z", "z", "z", "s"};
  // clang-format on
  if (cp >= 0xC0 && cp <= 0xFF) return kLatin1[cp - 0xC0];
  if (cp >= 0x100 && cp <= 0x17F) return kLatinExtendedA[cp - 0x100];
  return nullptr;
}

}  // namespace

Slug slug(const std::string& name) {
  Slug out;
  std::string& slug = out.text;
  for (size_t i = 0; i < name.size();) {
    const unsigned char u = static_cast<unsigned char>(name[i]);
    std::string ascii;
    if (u < 0x80) {
      ascii = std::isalnum(u) ? std::string(1, static_cast<char>(std::tolower(u)))
                              : (u == '-' ? "-" : " ");
      ++i;
    } else {
      const size_t start = i;
      const auto cp = decode_utf8(name, i);
      const char* t = cp ? transliterate(*cp) : nullptr;
      if (!cp) {
        out.invalid_utf8 = true;
        ascii = " ";
        i = start + 1;
      } else if (t) {
        ascii = t;
      } else {
        ascii = " ";
        const std::string ch = name.substr(start, i - start);
        if (out.refused.find("'" + ch + "'") == std::string::npos) {
          out.refused += (out.refused.empty() ? "'" : ", '") + ch + "'";
        }
      }
    }
    for (char c : ascii) {
      if (c == ' ' || c == '-') {
        if (!slug.empty() && slug.back() != '_' && slug.back() != '-') slug += c == '-' ? '-' : '_';
      } else {
        slug += c;
      }
    }
  }
  while (!slug.empty() && (slug.back() == '_' || slug.back() == '-')) slug.pop_back();
  return out;
}

}  // namespace tide::util
