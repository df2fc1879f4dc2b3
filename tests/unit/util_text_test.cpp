// Unit tests for src/util/text.cpp and src/util/ansi.cpp.
#include <catch2/catch.hpp>

#include "tide/util/ansi.hpp"
#include "tide/util/text.hpp"

using namespace tide;

TEST_CASE("trim drops the given characters at both ends only", "[util]") {
  CHECK(util::trim("  a b \t\r\n") == "a b");
  CHECK(util::trim("\f\va\v") == "a");
  CHECK(util::trim("   ") == "");
  CHECK(util::trim("") == "");
  CHECK(util::trim(" \ta\r ", " \t") == "a\r");
}

TEST_CASE("lower, join, hex", "[util]") {
  CHECK(util::lower("AbC-Ä") == "abc-Ä");
  CHECK(util::join({}, ", ") == "");
  CHECK(util::join({"a"}, ", ") == "a");
  CHECK(util::join({"a", "b", "c"}, "|") == "a|b|c");
  CHECK(util::hex(std::string("\x00\x0f\xab\xff", 4)) == "000fabff");
  CHECK(util::hex("") == "");
}

TEST_CASE("lf_line_endings reads CRLF as LF and keeps a lone CR", "[util]") {
  CHECK(util::lf_line_endings("a\r\nb\r\n") == "a\nb\n");
  CHECK(util::lf_line_endings("a\rb\r") == "a\rb\r");
  CHECK(util::lf_line_endings("a\r\r\n") == "a\r\n");
  std::string line = "x\r";
  util::drop_trailing_cr(line);
  CHECK(line == "x");
  util::drop_trailing_cr(line);
  CHECK(line == "x");
}

TEST_CASE("plural", "[util]") {
  CHECK(util::plural(0, "step") == "0 steps");
  CHECK(util::plural(1, "step") == "1 step");
  CHECK(util::plural(2, "error") == "2 errors");
  CHECK(std::string(util::plural_s(1)).empty());
  CHECK(std::string(util::plural_s(3)) == "s");
}

TEST_CASE("paint writes SGR escapes only with colour, visible_width ignores them", "[util]") {
  CHECK(util::paint("1;31", "error", util::Color::no) == "error");
  CHECK(util::paint("1;31", "error", util::Color::yes) == "\033[1;31merror\033[0m");
  CHECK(util::visible_width(util::paint("32", "größe", util::Color::yes)) == 5);
  CHECK(util::visible_width("") == 0);
}
