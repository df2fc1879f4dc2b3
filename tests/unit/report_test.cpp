// Unit tests for src/report/report.cpp: the live progress line, the status footer, SQLSTATEs.
#include <catch2/catch.hpp>

#include "tide/report/report.hpp"

using namespace tide;

namespace {
size_t columns(const std::string& s) {
  size_t n = 0;
  for (char c : s) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return n;
}
}  // namespace

TEST_CASE("the progress line fits the width it is given, dropping detail first") {
  Migration m;
  m.version = Version{"20261124093000"};
  m.filename = "20261124093000_a_rather_long_migration_name_for_a_narrow_pane.sql";
  Step s;
  s.migration = &m;
  s.phase = Phase::kBackfill;
  BackfillProgress p;
  p.step = &s;
  p.rows = 123456;
  p.estimated_total = 1000000;
  p.elapsed_s = 12.5;
  const std::string full = render_progress(p, 0);
  CHECK(full.find(m.filename) != std::string::npos);
  CHECK(full.find("of ~1000000 (12%)") != std::string::npos);
  CHECK(render_progress(p, 200) == full);
  for (size_t width : {79u, 60u, 49u, 30u, 20u, 10u, 1u}) {
    INFO("width " << width);
    CHECK(columns(render_progress(p, width)) <= width);
  }
  CHECK(render_progress(p, 49).find("123456 rows") != std::string::npos);
  CHECK(render_progress(p, 10) == "202611240…");
}

TEST_CASE("the status footer counts failed migrations") {
  Migration m;
  m.version = Version{"0001"};
  m.name = "a";
  Record failed;
  failed.version = m.version;
  failed.name = "a";
  failed.state = State::kFailed;
  StatusRow row;
  row.version = m.version;
  row.name = "a";
  row.state = State::kFailed;
  row.record = &failed;
  const std::string text = render_status_text({row}, false);
  CHECK(text.find("1 migration: 0 pending, 0 expanded (awaiting contract), 1 failed") !=
        std::string::npos);
}

TEST_CASE("a step's SQLSTATE is read from its error text") {
  CHECK(sqlstate_of("m.sql:3: relation \"x\" does not exist (SQLSTATE 42P01)") == "42P01");
  CHECK(sqlstate_of("m.sql: lost the connection") == "");
  CHECK(sqlstate_of("(SQLSTATE 4") == "");
}
