// Unit tests for src/plan/plan.cpp: planning is pure, so every rule is checked here
// without a database.
#include <catch2/catch.hpp>

#include "temporaries.hpp"
#include "tide/error.hpp"
#include "tide/plan/plan.hpp"
#include "tide/report/report.hpp"

using namespace tide;

namespace {

Migration make(const std::string& version, const std::string& body) {
  std::vector<Problem> problems;
  Migration m = parse_migration("migrations/" + version + "_m" + version + ".sql", body, problems);
  REQUIRE(problems.empty());
  return m;
}

const char* kPlain = "-- migrate:up\nCREATE TABLE t (id int);\n-- migrate:down\nDROP TABLE t;\n";
const char* kTwoPhase =
    "-- migrate:expand\nALTER TABLE t ADD COLUMN c int;\n"
    "-- migrate:backfill table:t\nUPDATE t SET c = 1 WHERE id BETWEEN $1 AND $2;\n"
    "-- migrate:contract\nALTER TABLE t DROP COLUMN old;\n"
    "-- migrate:down\nALTER TABLE t DROP COLUMN c;\n";

Record record(const Migration& m, State state) {
  Record r;
  r.version = m.version;
  r.name = m.name;
  r.checksum = m.checksum;
  r.state = state;
  return r;
}

std::vector<std::string> describe(const Plan& plan) {
  std::vector<std::string> out;
  for (const auto& s : plan.steps) {
    out.push_back(s.migration->version.text + " " + phase_name(s.phase) + " -> " +
                  state_name(s.state_after));
  }
  return out;
}

struct Fixture {
  MigrationSet files;
  Fixture() {
    files.migrations.push_back(make("0001", kPlain));
    files.migrations.push_back(make("0002", kTwoPhase));
    files.migrations.push_back(make("0003", kPlain));
  }
  const Migration& m(int i) const { return files.migrations.at(static_cast<size_t>(i)); }
};

}  // namespace

TEST_CASE_METHOD(Fixture, "up plans expand, backfill and (with --contract) contract in order") {
  CHECK(describe(plan_up(files, {}, {})) ==
        std::vector<std::string>{"0001 expand -> applied", "0002 expand -> backfilling",
                                 "0002 backfill -> expanded", "0003 expand -> applied"});
  UpOptions with_contract;
  with_contract.contract = true;
  with_contract.to = Version{"2"};
  CHECK(describe(plan_up(files, {}, with_contract)) ==
        std::vector<std::string>{"0001 expand -> applied", "0002 expand -> backfilling",
                                 "0002 backfill -> expanded", "0002 contract -> contracted"});
}

TEST_CASE_METHOD(Fixture, "up skips what is done and resumes a backfill where it stopped") {
  Record backfilling = record(m(1), State::kBackfilling);
  backfilling.backfill_last_key = "4200";
  backfilling.backfill_rows = 4200;
  const std::vector<Record> records{record(m(0), State::kApplied), backfilling};
  const Plan plan = plan_up(files, records, {});
  REQUIRE(describe(plan) ==
          std::vector<std::string>{"0002 backfill -> expanded", "0003 expand -> applied"});
  CHECK(plan.steps[0].resume_after_key == std::optional<std::string>("4200"));
  CHECK(plan.steps[0].resume_rows == 4200);
  CHECK(plan_up(files,
                {record(m(0), State::kApplied), record(m(1), State::kExpanded),
                 record(m(2), State::kApplied)},
                {})
            .steps.empty());
}

TEST_CASE_METHOD(Fixture, "contract takes expanded migrations in version order") {
  const std::vector<Record> records{record(m(0), State::kApplied), record(m(1), State::kExpanded)};
  CHECK(describe(plan_contract(files, records, std::nullopt)) ==
        std::vector<std::string>{"0002 contract -> contracted"});
  CHECK(plan_contract(files, records, Version{"1"}).steps.empty());
}

TEST_CASE_METHOD(Fixture, "down reverts newest first and refuses contracted migrations") {
  const std::vector<Record> records{record(m(0), State::kApplied), record(m(1), State::kExpanded),
                                    record(m(2), State::kApplied)};
  CHECK(describe(plan_down(files, records, {})) ==
        std::vector<std::string>{"0003 down -> pending"});
  DownOptions two;
  two.steps = 2;
  CHECK(describe(plan_down(files, records, two)) ==
        std::vector<std::string>{"0003 down -> pending", "0002 down -> pending"});
  DownOptions to;
  to.to = Version{"1"};
  CHECK(plan_down(files, records, to).steps.size() == 2);

  const std::vector<Record> contracted{record(m(0), State::kApplied),
                                       record(m(1), State::kContracted)};
  try {
    plan_down(files, contracted, {});
    FAIL("expected a refusal");
  } catch (const Error& e) {
    CHECK(e.code() == ExitCode::kValidation);
    CHECK_THAT(e.what(), Catch::Contains("contracted"));
  }
}

TEST_CASE("down refuses a migration without a down section") {
  MigrationSet files;
  files.migrations.push_back(make("0001", "-- migrate:up\nSELECT 1;\n"));
  CHECK_THROWS_WITH(plan_down(files, {record(files.migrations[0], State::kApplied)}, {}),
                    Catch::Contains("no -- migrate:down"));
}

TEST_CASE_METHOD(Fixture, "history checks: checksums, failed records, out of order") {
  Record changed = record(m(0), State::kApplied);
  changed.checksum = "0000";
  Record failed = record(m(1), State::kFailed);
  failed.error = "boom";
  const auto problems = check_history(files, {changed, failed}, OutOfOrder::refuse);
  REQUIRE(problems.size() == 2);
  CHECK_THAT(problems[0].message, Catch::Contains("checksum changed"));
  CHECK_THAT(problems[1].message, Catch::Contains("failed part-way") && Catch::Contains("boom"));

  const std::vector<Record> newer{record(m(2), State::kApplied)};
  const auto out_of_order = check_history(files, newer, OutOfOrder::refuse);
  REQUIRE(out_of_order.size() == 2);
  CHECK_THAT(out_of_order[0].message, Catch::Contains("out of order"));
  CHECK(check_history(files, newer, OutOfOrder::allow).empty());
}

TEST_CASE_METHOD(Fixture, "status is files united with records") {
  Record gone;
  gone.version = Version{"0009"};
  gone.name = "gone";
  gone.state = State::kApplied;
  Record changed = record(m(0), State::kApplied);
  changed.checksum = "x";
  const std::vector<Record> records{changed, gone};  // rows point into them
  const auto rows = status_rows(files, records);
  REQUIRE(rows.size() == 4);
  CHECK(rows[0].changed);
  CHECK(rows[1].state == State::kPending);
  CHECK(rows[1].two_phase);
  CHECK(rows[3].missing);
  CHECK(rows[3].name == "gone");
}

TEST_CASE_METHOD(Fixture, "the dry-run script shows every phase with its SQL") {
  UpOptions o;
  o.contract = true;
  const Plan plan = plan_up(files, {}, o);
  const std::string sql = render_plan_sql(plan, PlanContext{"me@db:5432/app", Millis(5000)});
  CHECK_THAT(sql,
             Catch::Contains(
                 "BEGIN;\nSET LOCAL lock_timeout = '5000ms';\nCREATE TABLE t (id int);\nCOMMIT;"));
  CHECK_THAT(sql, Catch::Contains("--   UPDATE t SET c = 1 WHERE id BETWEEN $1 AND $2;"));
  CHECK_THAT(sql, Catch::Contains("ALTER TABLE t DROP COLUMN old;"));
  const auto json = plan_json(plan, PlanContext{"me@db:5432/app", Millis(5000)});
  CHECK(json["steps"].size() == plan.steps.size());
  CHECK(json["steps"][2]["backfill"]["mode"] == "keyed");
}

TEST_CASE_METHOD(Fixture, "after a reconnect, a re-plan drops every step recorded done meanwhile") {
  UpOptions o;
  o.contract = true;
  const Plan plan = plan_up(files, {}, o);
  REQUIRE(plan.steps.size() == 5);
  Plan rest;
  rest.command = PlanCommand::kUp;
  rest.steps.assign(plan.steps.begin() + 2, plan.steps.end());  // from 0002's backfill on

  SECTION("another runner finished everything: nothing is run again") {
    const std::vector<Record> records{record(m(0), State::kApplied),
                                      record(m(1), State::kContracted),
                                      record(m(2), State::kApplied)};
    CHECK(replan(rest, records).steps.empty());
  }
  SECTION("another runner moved the backfill on: it resumes from the record, not from its start") {
    Record r1 = record(m(1), State::kBackfilling);
    r1.backfill_last_key = "4500";
    r1.backfill_rows = 4500;
    const Plan next = replan(rest, {record(m(0), State::kApplied), r1});
    CHECK(describe(next) == std::vector<std::string>{"0002 backfill -> expanded",
                                                     "0002 contract -> contracted",
                                                     "0003 expand -> applied"});
    CHECK(next.steps[0].resume_after_key == std::optional<std::string>("4500"));
    CHECK(next.steps[0].resume_rows == 4500);
  }
  SECTION("the backfill finished but the contract did not: only the contract and later") {
    const Plan next = replan(rest, {record(m(0), State::kApplied), record(m(1), State::kExpanded)});
    CHECK(describe(next) ==
          std::vector<std::string>{"0002 contract -> contracted", "0003 expand -> applied"});
  }
  SECTION("nothing recorded for a migration: its expand and the steps after it stay") {
    Plan whole = plan;
    const Plan next = replan(whole, {record(m(0), State::kApplied)});
    CHECK(describe(next) ==
          std::vector<std::string>{"0002 expand -> backfilling", "0002 backfill -> expanded",
                                   "0002 contract -> contracted", "0003 expand -> applied"});
    CHECK_FALSE(next.steps[1].resume_after_key);
  }
  SECTION("a failed record stops the run") {
    CHECK_THROWS_AS(replan(rest, {record(m(1), State::kFailed)}), Error);
  }
}

TEST_CASE_METHOD(Fixture, "a re-plan of down reverts only what is still there") {
  const std::vector<Record> records{record(m(0), State::kApplied), record(m(1), State::kExpanded),
                                    record(m(2), State::kApplied)};
  DownOptions o;
  o.steps = 2;
  const Plan plan = plan_down(files, records, o);
  REQUIRE(plan.steps.size() == 2);
  CHECK(describe(replan(plan, {record(m(0), State::kApplied), record(m(1), State::kExpanded)})) ==
        std::vector<std::string>{"0002 down -> pending"});
}

TEST_CASE("keyed backfill checks know what earlier steps may fix") {
  MigrationSet files;
  files.migrations.push_back(make("0001", "-- migrate:up\nCREATE TABLE u (id int PRIMARY KEY);\n"));
  files.migrations.push_back(make("0002", kTwoPhase));  // expand adds a column to t
  files.migrations.push_back(
      make("0003",
           "-- migrate:expand\nCREATE UNIQUE INDEX t_c ON t (c);\n"
           "-- migrate:backfill table:u\nUPDATE u SET c = 1 WHERE id BETWEEN $1 AND $2;\n"
           "-- migrate:backfill table:t key:c\nUPDATE t SET c = 1 WHERE c BETWEEN $1 AND $2;\n"));
  const Plan plan = plan_up(files, {}, {});
  const auto checks = backfill_checks(plan);
  REQUIRE(checks.size() == 3);
  CHECK(checks[0].step->section->table == "t");  // 0002: only a column added so far
  CHECK_FALSE(checks[0].may_create_table);
  CHECK(checks[0].may_add_column);
  CHECK(checks[1].step->section->table == "u");  // created by 0001
  CHECK(checks[1].may_create_table);
  CHECK(checks[2].may_change_keys);  // the unique index of 0003
  CHECK_FALSE(checks[2].may_create_table);
}

TEST_CASE("timeout_settings: SET LOCAL in a transaction, SET for the session, undone by RESET") {
  std::vector<Problem> problems;
  const Migration plain = parse_migration("m/0001_a.sql", "-- migrate:up\nSELECT 1;\n", problems);
  const Migration timed = parse_migration(
      "m/0002_b.sql",
      "-- migrate:up transaction:false lock_timeout:2s statement_timeout:1m\nSELECT 1;\n",
      problems);
  REQUIRE(problems.empty());
  CHECK(timeout_settings(plain.expand, Millis(5000), SettingScope::kTransaction) ==
        std::vector<std::string>{"SET LOCAL lock_timeout = '5000ms'"});
  CHECK(timeout_settings(plain.expand, Millis(5000), SettingScope::kSession) ==
        std::vector<std::string>{"SET lock_timeout = '5000ms'"});
  CHECK(
      timeout_settings(timed.expand, Millis(5000), SettingScope::kSession) ==
      std::vector<std::string>{"SET lock_timeout = '2000ms'", "SET statement_timeout = '60000ms'"});
  CHECK(reset_timeouts(plain.expand) == std::vector<std::string>{"RESET lock_timeout"});
  CHECK(reset_timeouts(timed.expand) ==
        std::vector<std::string>{"RESET lock_timeout", "RESET statement_timeout"});
}

TEST_CASE_METHOD(Fixture, "each plan names its command, and a re-plan keeps it") {
  CHECK(plan_up(files, {}, {}).command == PlanCommand::kUp);
  CHECK(plan_contract(files, {}, std::nullopt).command == PlanCommand::kContract);
  const Plan down = plan_down(files, {record(m(0), State::kApplied)}, {});
  CHECK(down.command == PlanCommand::kDown);
  CHECK(replan(down, {record(m(0), State::kApplied)}).command == PlanCommand::kDown);
  for (const auto& [name, value] : kPlanCommandNames) CHECK(to_string(value) == name);
}

// A plan points into its files (Step::migration, Step::section), a backfill check into its plan
// (BackfillCheck::step), a status row into the files and the records: made from a temporary,
// each would dangle at the end of the statement, so those overloads are deleted.
namespace {
const MigrationSet kNoFiles;
const std::vector<Record> kNoRecords;
constexpr auto up = TIDE_CALL(plan_up(ARG, {}, {}));
constexpr auto contract = TIDE_CALL(plan_contract(ARG, {}, {}));
constexpr auto down = TIDE_CALL(plan_down(ARG, {}, {}));
constexpr auto status_of_files = TIDE_CALL(status_rows(ARG, kNoRecords));
constexpr auto status_of_records = TIDE_CALL(status_rows(kNoFiles, ARG));
constexpr auto checks = TIDE_CALL(backfill_checks(ARG));
static_assert(test::refuses_temporary<decltype(up), MigrationSet>);
static_assert(test::refuses_temporary<decltype(contract), MigrationSet>);
static_assert(test::refuses_temporary<decltype(down), MigrationSet>);
static_assert(test::refuses_temporary<decltype(status_of_files), MigrationSet>);
static_assert(test::refuses_temporary<decltype(status_of_records), std::vector<Record>>);
static_assert(test::refuses_temporary<decltype(checks), Plan>);
}  // namespace

TEST_CASE_METHOD(Fixture, "status rows come in version order whatever the records' order") {
  // Records as the metadata table returns them (no ORDER BY): any order, versions that compare
  // equal (9 and 0009), records no file has on both sides of the files.
  Record early;
  early.version = Version{"0000"};
  early.name = "early";
  Record late_a;
  late_a.version = Version{"9"};
  late_a.name = "late_a";
  Record late_b = late_a;
  late_b.version = Version{"0009"};
  late_b.name = "late_b";
  Record third = record(m(2), State::kApplied);
  Record first_old = record(m(0), State::kExpanded);
  first_old.version = Version{"1"};  // equal to 0001: the last record of a version wins
  Record first = record(m(0), State::kApplied);
  const std::vector<Record> records{late_b, third, first_old, early, first, late_a};
  const auto rows = status_rows(files, records);
  std::vector<std::string> seen;
  for (const auto& r : rows) {
    seen.push_back(r.version.text + " " + r.name + " " + state_name(r.state) +
                   (r.missing ? " missing" : "") + (r.record ? "" : " unrecorded"));
  }
  CHECK(seen == std::vector<std::string>{"0000 early pending missing", "0001 m0001 applied",
                                         "0002 m0002 pending unrecorded", "0003 m0003 applied",
                                         "0009 late_b pending missing",
                                         "9 late_a pending missing"});
  CHECK(rows[1].record == &records[4]);
  CHECK(rows[3].record == &records[1]);
}
