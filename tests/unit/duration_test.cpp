// Unit tests for src/migration/duration.cpp: the durations of markers, config and flags.
#include <catch2/catch.hpp>

#include "tide/util/duration.hpp"

using namespace tide;

TEST_CASE("parse_duration reads ms, s, m, min, h and a bare 0", "[duration]") {
  CHECK(parse_duration("0") == Millis(0));
  CHECK(parse_duration("0ms") == Millis(0));
  CHECK(parse_duration("500ms") == Millis(500));
  CHECK(parse_duration("5s") == Millis(5000));
  CHECK(parse_duration("10m") == Millis(600000));
  CHECK(parse_duration("10min") == Millis(600000));
  CHECK(parse_duration("1h") == Millis(3600000));
  CHECK(parse_duration("007s") == Millis(7000));
}

TEST_CASE("parse_duration refuses anything else", "[duration]") {
  for (const char* bad : {"", "5", "s", "ms", "5 s", " 5s", "5s ", "-5s", "1.5s", "5S", "5sec",
                          "1d", "5ms5", "0x10s"}) {
    INFO(bad);
    CHECK_FALSE(parse_duration(bad));
  }
  CHECK_FALSE(parse_duration("99999999999999999999ms"));  // no overflow into a small value
}

TEST_CASE("duration_error names the value and the limit", "[duration]") {
  CHECK(duration_error("5s").empty());
  CHECK(duration_error("2147483647ms").empty());
  CHECK(duration_error("five") == "'five' is not a duration (like 500ms, 5s, 10m, 1h)");
  CHECK_THAT(duration_error("2147483648ms"), Catch::Contains("out of range"));
  CHECK_THAT(duration_error("25d"), Catch::Contains("not a duration"));
}

TEST_CASE("format_duration writes the largest whole unit", "[duration]") {
  CHECK(format_duration(Millis(0)) == "0");
  CHECK(format_duration(Millis(1500)) == "1500ms");
  CHECK(format_duration(Millis(5000)) == "5s");
  CHECK(format_duration(Millis(120000)) == "2m");
  CHECK(format_duration(Millis(7200000)) == "2h");
  for (const char* text : {"250ms", "5s", "10m", "1h"}) {
    CHECK(format_duration(*parse_duration(text)) == text);
  }
}
