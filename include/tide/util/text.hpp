// Small string helpers with one home each: trimming, case, joining, hex, line endings, plurals.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace tide::util {

// The characters std::isspace accepts in the C locale.
inline constexpr std::string_view kWhitespace = " \t\n\v\f\r";

// `s` without leading and trailing characters from `chars`.
std::string trim(std::string_view s, std::string_view chars = kWhitespace);
// ASCII lower case; other bytes unchanged.
std::string lower(std::string s);
// "a, b, c" for join({"a", "b", "c"}, ", ").
std::string join(const std::vector<std::string>& items, std::string_view separator);
// Lower-case hexadecimal, two digits a byte.
std::string hex(std::string_view bytes);
// Every CRLF read as LF (a lone CR stays): a file checked out on Windows reads as written.
std::string lf_line_endings(std::string_view text);
// Drops one trailing '\r' (a line got from a CRLF file with std::getline).
void drop_trailing_cr(std::string& line);
// "1 step", "2 steps", "0 steps": English plurals by adding "s".
std::string plural(long long n, std::string_view word);
// The suffix alone ("" for one, "s" otherwise), for a message that formats the count itself.
const char* plural_s(long long n);

}  // namespace tide::util
