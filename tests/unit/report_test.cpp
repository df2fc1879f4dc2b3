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
  const std::string text = render_status_text({row}, util::Color::no);
  CHECK(text.find("1 migration: 0 pending, 0 expanded (awaiting contract), 1 failed") !=
        std::string::npos);
}

TEST_CASE("a step's SQLSTATE is read from its error text") {
  CHECK(sqlstate_of("m.sql:3: relation \"x\" does not exist (SQLSTATE 42P01)") == "42P01");
  CHECK(sqlstate_of("m.sql: lost the connection") == "");
  CHECK(sqlstate_of("(SQLSTATE 4") == "");
}

namespace {

struct RunFixture {
  MigrationSet files;
  Plan plan;
  RunFixture() {
    std::vector<Problem> problems;
    files.migrations.push_back(parse_migration(
        "m/0001_a.sql", "-- migrate:up\nCREATE TABLE t (id int);\n-- migrate:down\nDROP TABLE t;\n",
        problems));
    files.migrations.push_back(parse_migration(
        "m/0002_b.sql", "-- migrate:up\nCREATE TABLE u (id int);\n-- migrate:down\nDROP TABLE u;\n",
        problems));
    REQUIRE(problems.empty());
    plan = plan_up(files, {}, UpOptions{});
    REQUIRE(plan.steps.size() == 2);
  }
};

}  // namespace

TEST_CASE_METHOD(RunFixture, "the run report: one row a step, errors below, later steps counted",
                 "[report]") {
  RunReport report;
  StepResult ok;
  ok.step = &plan.steps[0];
  ok.ms = 12;
  ok.attempts = 3;
  report.results.push_back(ok);
  StepResult failed;
  failed.step = &plan.steps[1];
  failed.outcome = StepResult::Outcome::kFailed;
  failed.error = "m/0002_b.sql:2: relation \"u\" already exists (SQLSTATE 42P07)";
  report.results.push_back(failed);
  const std::string text = render_run_text(plan, report, Rehearsal::no, util::Color::no);
  CHECK_THAT(text, Catch::Contains("-> applied after 3 tries"));
  CHECK_THAT(text, Catch::Contains("\nerror: " + failed.error + "\n"));
  CHECK(text.find('\033') == std::string::npos);
  CHECK(render_run_text(plan, report, Rehearsal::no, util::Color::yes).find("\033[31m") !=
        std::string::npos);
  CHECK_THAT(render_run_text(plan, report, Rehearsal::yes, util::Color::no),
             Catch::Contains("rolled back"));

  const auto json = run_json(plan, report, Rehearsal::no);
  CHECK(json["ok"] == false);
  CHECK(json["planned_steps"] == 2);
  CHECK(json["steps"][0]["state_after"] == "applied");
  CHECK(json["steps"][0]["attempts"] == 3);
  CHECK(json["steps"][0]["rows"].is_null());
  CHECK(json["steps"][1]["error"] == failed.error);
  CHECK(run_json(plan, report, Rehearsal::yes)["steps"][0]["state_after"].is_null());

  report.results.pop_back();
  CHECK_THAT(render_run_text(plan, report, Rehearsal::no, util::Color::no),
             Catch::Contains("1 later step not run\n"));
  report.results.clear();
  report.done_elsewhere = 2;
  CHECK_THAT(render_run_text(plan, report, Rehearsal::no, util::Color::no),
             Catch::Contains("2 steps found done after a reconnect"));
  Plan nothing;
  nothing.command = PlanCommand::kContract;
  CHECK(render_run_text(nothing, RunReport{}, Rehearsal::no, util::Color::no) ==
        "nothing to contract\n");
}

TEST_CASE_METHOD(RunFixture, "an empty plan says what there was nothing to do, per command",
                 "[report]") {
  Plan empty;
  empty.command = PlanCommand::kUp;
  CHECK(render_run_text(empty, RunReport{}, Rehearsal::no, util::Color::no) ==
        "nothing to apply\n");
  empty.command = PlanCommand::kDown;
  CHECK(render_run_text(empty, RunReport{}, Rehearsal::no, util::Color::no) ==
        "nothing to revert\n");
  empty.command = PlanCommand::kContract;
  CHECK(render_run_text(empty, RunReport{}, Rehearsal::no, util::Color::no) ==
        "nothing to contract\n");
  // The command's name in JSON, the dry-run's header and the run report alike.
  const PlanContext pc{"me@db/app", Millis(5000)};
  CHECK(plan_json(plan, pc)["command"] == "up");
  CHECK(run_json(plan, RunReport{}, Rehearsal::no)["command"] == "up");
  CHECK(plan_json(empty, pc)["command"] == "contract");
  CHECK(render_plan_sql(empty, pc).rfind("-- tide contract --dry-run", 0) == 0);
}

TEST_CASE_METHOD(RunFixture, "the dry-run script counts its steps and says when there is none",
                 "[report]") {
  const std::string sql = render_plan_sql(plan, PlanContext{"me@db/app", Millis(5000)});
  CHECK(sql.rfind("-- tide up --dry-run against me@db/app: 2 steps\n", 0) == 0);
  Plan empty;
  empty.command = PlanCommand::kDown;
  CHECK(render_plan_sql(empty, PlanContext{"me@db/app", Millis(5000)}) ==
        "-- tide down --dry-run against me@db/app: 0 steps\n-- nothing to do\n");
}

TEST_CASE("status: text and JSON agree on states and notes", "[report]") {
  CHECK(render_status_text({}, util::Color::no) == "no migrations\n");
  Record rec;
  rec.version = Version{"0001"};
  rec.state = State::kBackfilling;
  rec.backfill_rows = 42;
  rec.expanded_at = "2026-11-24T09:30:00Z";
  StatusRow backfilling;
  backfilling.version = rec.version;
  backfilling.name = "a";
  backfilling.state = State::kBackfilling;
  backfilling.record = &rec;
  StatusRow missing;
  missing.version = Version{"0002"};
  missing.name = "b";
  missing.state = State::kApplied;
  missing.missing = true;
  const std::string text = render_status_text({backfilling, missing}, util::Color::no);
  CHECK_THAT(text, Catch::Contains("42 rows done"));
  CHECK_THAT(text, Catch::Contains("missing"));
  CHECK_THAT(text, Catch::Contains("2 migrations: 1 pending, 0 expanded (awaiting contract)\n"));
  CHECK(render_status_text({missing}, util::Color::yes).find("\033[31mmissing\033[0m") !=
        std::string::npos);
  const auto json = status_json({backfilling, missing});
  CHECK(json["migrations"][0]["state"] == "backfilling");
  CHECK(json["migrations"][0]["backfill_rows"] == 42);
  CHECK(json["migrations"][0]["expanded_at"] == rec.expanded_at);
  CHECK(json["migrations"][1]["missing"] == true);
  CHECK(json["migrations"][1]["file"].is_null());
}

TEST_CASE("render_table aligns columns by what shows, not by escape bytes", "[report]") {
  const std::string table =
      render_table({{"A", "B"}, {"\033[32mlong cell\033[0m", "x"}, {"größe", "y"}});
  CHECK(table == "A          B\n\033[32mlong cell\033[0m  x\ngröße      y\n");
}

TEST_CASE("render_table trims each line's trailing spaces, padding and cells alike", "[report]") {
  CHECK(render_table({{"A", "B", ""}, {"xx", "", ""}, {"y ", " ", "  "}, {"z"}}) ==
        "A   B\nxx\ny\nz\n");
}
