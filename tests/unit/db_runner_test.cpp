// Unit tests for src/db/runner.cpp (and the reconnect path of target.cpp) against the fake
// database: each failure path the runner handles, asserted on the SQL it sent and the records
// it left.
#include <catch2/catch.hpp>

#include "runner_fixture.hpp"
#include "temporaries.hpp"
#include "tide/db/runner.hpp"
#include "tide/db/target.hpp"
#include "tide/error.hpp"

using namespace tide;
using tide::test::FakeDatabase;
using tide::test::Fixture;
using tide::test::make;
using tide::test::plain;

TEST_CASE("a lock timeout rolls back and retries the transaction with backoff", "[runner]") {
  Fixture f({make("1", plain("a"))});
  f.db->fail("CREATE TABLE a", "55P03", 2);
  const RunReport report = f.up();

  REQUIRE(report.results.size() == 1);
  CHECK(report.results[0].outcome == StepResult::Outcome::kDone);
  CHECK(report.results[0].attempts == 3);
  CHECK(f.observed.events == std::vector<std::string>{"1 retry 1/6 55P03", "1 retry 2/6 55P03"});
  // Backoff doubles (with ±50 % jitter) from retry_base 500 ms; the runner sleeps what it says.
  REQUIRE(f.slept.size() == 2);
  CHECK(f.slept == f.observed.pauses);
  CHECK(f.slept[0] >= Millis(250));
  CHECK(f.slept[0] <= Millis(750));
  CHECK(f.slept[1] >= Millis(500));
  CHECK(f.slept[1] <= Millis(1500));
  // Three transactions: two rolled back, the third committed with its record.
  CHECK(f.db->count("CREATE TABLE a") == 3);
  CHECK(f.db->count("BEGIN") == 3);
  CHECK(f.db->count("ROLLBACK") == 2);
  CHECK(f.db->count("COMMIT") == 1);
  CHECK(f.db->log.back() == "COMMIT");
  CHECK(f.db->log[f.db->log.size() - 2] == "EXECUTE tide_save_expand");
  // Each try starts with the session guard and the step's SET LOCALs, in the same query.
  for (const auto& q : f.db->matching("CREATE TABLE a")) {
    CHECK(q.rfind("SELECT (CASE WHEN pg_backend_pid() = 100 THEN", 0) == 0);
    CHECK(q.find("SET LOCAL lock_timeout") != std::string::npos);
  }
  CHECK(f.db->table.at("1").state == "applied");
}

TEST_CASE("a lock timeout that outlasts the retries fails the step, recording nothing",
          "[runner]") {
  Fixture f({make("1", plain("a")), make("2", plain("b"))});
  f.settings.retries = 2;
  f.db->fail("CREATE TABLE a", "55P03", 10);
  const RunReport report = f.up();

  REQUIRE(report.results.size() == 1);  // the run stops at the failure
  CHECK(report.results[0].outcome == StepResult::Outcome::kFailed);
  CHECK(report.results[0].attempts == 3);
  CHECK(report.results[0].error ==
        "migrations/1_m1.sql:2: scripted failure (55P03) (SQLSTATE 55P03)");
  CHECK(f.slept.size() == 2);
  CHECK(f.db->count("CREATE TABLE a") == 3);
  CHECK(f.db->count("ROLLBACK") == 3);
  CHECK(f.db->count("COMMIT") == 0);
  CHECK(f.db->count("CREATE TABLE b") == 0);
  CHECK(f.db->table.empty());
  CHECK(!report.ok());
}

TEST_CASE("a serialization failure (40001) fails the step without retrying", "[runner]") {
  Fixture f({make("1", plain("a"))});
  f.db->fail("CREATE TABLE a", "40001");
  const RunReport report = f.up();
  REQUIRE(report.results.size() == 1);
  CHECK(report.results[0].outcome == StepResult::Outcome::kFailed);
  CHECK(report.results[0].attempts == 1);
  CHECK(report.results[0].error.find("(SQLSTATE 40001)") != std::string::npos);
  CHECK(f.slept.empty());
  CHECK(f.db->reconnects == 0);
  CHECK(f.db->table.empty());
}

TEST_CASE("a rehearsal runs each step in a savepoint of one transaction that is rolled back",
          "[runner]") {
  Fixture f({make("1", plain("a")), make("2", plain("b")), make("3", plain("c"))},
            TargetMode::kRehearse);
  f.settings.rehearse = true;
  f.db->fail("CREATE TABLE b", "42P07");
  const RunReport report = f.up();

  // A rehearsal goes on after a failure: every step is tried.
  REQUIRE(report.results.size() == 3);
  CHECK(report.results[0].outcome == StepResult::Outcome::kDone);
  CHECK(report.results[1].outcome == StepResult::Outcome::kFailed);
  CHECK(report.results[1].error.find("migrations/2_m2.sql:2: ") == 0);
  CHECK(report.results[2].outcome == StepResult::Outcome::kDone);
  CHECK(f.db->count("BEGIN") == 1);
  CHECK(f.db->count("SAVEPOINT tide_step") == 3 + 1 + 2);  // 3 taken, 1 rolled back, 2 released
  CHECK(f.db->count("ROLLBACK TO SAVEPOINT tide_step") == 1);
  CHECK(f.db->count("RELEASE SAVEPOINT tide_step") == 3);
  CHECK(f.db->count("COMMIT") == 0);
  CHECK(f.db->log.back() == "ROLLBACK");
  // Nothing recorded, not even the steps that went through.
  CHECK(f.db->table.empty());
  CHECK(f.db->history.empty());
}

TEST_CASE("a transaction:false step is marked failed before it runs and stays failed", "[runner]") {
  Fixture f({make("1",
                  "-- migrate:up transaction:false\nCREATE INDEX CONCURRENTLY i ON t (c);\n"
                  "-- migrate:down\nDROP INDEX i;\n")});
  f.db->fail("CREATE INDEX CONCURRENTLY", "23505");
  const RunReport report = f.up();

  REQUIRE(report.results.size() == 1);
  CHECK(report.results[0].outcome == StepResult::Outcome::kFailed);
  CHECK(report.results[0].error ==
        "migrations/1_m1.sql:2: scripted failure (23505) (SQLSTATE 23505)");
  // Marked failed (committed) before the statement ran; the failure recorded after it.
  const auto& log = f.db->log;
  const auto index = std::find(log.begin(), log.end(), "CREATE INDEX CONCURRENTLY i ON t (c)");
  REQUIRE(index != log.end());
  REQUIRE(index - log.begin() >= 4);
  CHECK(*(index - 1) == "SET lock_timeout = '5000ms'");
  CHECK(*(index - 2) == "COMMIT");
  CHECK((index - 3)->find("'failed', NULLIF($4, '')") != std::string::npos);
  CHECK(f.db->count("'failed', NULLIF($4, '')") == 2);
  const auto& row = f.db->table.at("1");
  CHECK(row.state == "failed");
  CHECK(!row.failed_from);  // `tide repair` returns it to pending
  CHECK(row.error == report.results[0].error);
  CHECK(f.db->history == std::vector<std::string>{"1 expand pending->failed"});
}

namespace {

std::string concurrently() {
  return "-- migrate:up transaction:false\nCREATE INDEX CONCURRENTLY i ON t (c);\n"
         "-- migrate:down\nDROP INDEX i;\n";
}

}  // namespace

TEST_CASE(
    "a transaction:false step whose success record is lost with the connection is "
    "recorded after the reconnect, not left failed",
    "[runner]") {
  Fixture f({make("1", concurrently()), make("2", plain("b"))});
  f.db->fail("EXECUTE tide_save_expand", "08006");
  const RunReport report = f.up();

  CHECK(report.ok());
  REQUIRE(report.results.size() == 2);
  CHECK(report.results[0].outcome == StepResult::Outcome::kDone);
  CHECK(report.done_elsewhere == 0);
  CHECK(f.db->reconnects == 1);
  CHECK(f.db->count("CREATE INDEX CONCURRENTLY") == 1);
  CHECK(f.db->table.at("1").state == "applied");
  CHECK(f.db->table.at("2").state == "applied");
  CHECK(f.db->history ==
        std::vector<std::string>{"1 expand pending->applied", "2 expand pending->applied"});
  CHECK(f.observed.events == std::vector<std::string>{"reconnecting at 1_m1.sql expand"});
}

TEST_CASE("a transaction:false step whose success COMMIT is in doubt is recorded once",
          "[runner]") {
  Fixture f({make("1", concurrently())});
  // The mark as failed commits; the success's COMMIT is in doubt.
  const RunReport report = f.up([&] { f.db->lose_commits(1, 1); });

  CHECK(report.ok());
  REQUIRE(report.results.size() == 1);
  CHECK(report.results[0].outcome == StepResult::Outcome::kDone);
  CHECK(f.db->reconnects == 1);
  CHECK(f.db->count("CREATE INDEX CONCURRENTLY") == 1);
  CHECK(f.db->table.at("1").state == "applied");
  CHECK(f.db->history == std::vector<std::string>{"1 expand pending->applied"});
}

TEST_CASE("a connection lost before the first step is reconnected and the plan made again",
          "[runner]") {
  Fixture f({make("1", plain("a"))});
  f.db->log.clear();
  f.db->fail("SELECT version, name, checksum, state", "08006");  // the records read
  int made = 0;
  const Plan plan = plan_with_reconnects(
      *f.target,
      [&](const std::vector<Record>& records) {
        ++made;
        if (made == 1) throw connection_error("server closed the connection unexpectedly");
        return plan_up(f.files, records, {});
      },
      &f.observed);

  CHECK(plan.steps.size() == 1);
  CHECK(made == 2);  // after the first reconnect it lost the connection again
  CHECK(f.db->reconnects == 2);
  CHECK(f.observed.events == std::vector<std::string>{"reconnecting at before the first step",
                                                      "reconnecting at before the first step"});
}

TEST_CASE("a read-only target (--dry-run) reconnects without taking the lock", "[runner]") {
  Fixture f({make("1", plain("a"))}, TargetMode::kRead);
  f.db->log.clear();
  f.db->fail("SELECT version, name, checksum, state", "08006");
  const Plan plan = plan_with_reconnects(
      *f.target, [&](const std::vector<Record>& records) { return plan_up(f.files, records, {}); });

  CHECK(plan.steps.size() == 1);
  CHECK(f.db->reconnects == 1);
  CHECK(f.db->count("pg_try_advisory_lock") == 0);
  CHECK(f.db->count("pg_is_in_recovery()") == 0);  // a replica serves a read
}

TEST_CASE("an error before the first step that a reconnect cannot help is not retried",
          "[runner]") {
  Fixture f({make("1", plain("a"))});
  int made = 0;
  CHECK_THROWS_WITH(plan_with_reconnects(*f.target,
                                         [&](const std::vector<Record>&) -> Plan {
                                           ++made;
                                           throw server_error("42501", "ERROR:  denied\n");
                                         }),
                    Catch::Contains("denied"));
  CHECK(made == 1);
  CHECK(f.db->reconnects == 0);
}

TEST_CASE("a lost connection reconnects once, takes the lock again and resumes the plan",
          "[runner]") {
  for (const std::string sqlstate : {"08006", "25006"}) {
    DYNAMIC_SECTION("SQLSTATE " << sqlstate) {
      Fixture f({make("1", plain("a")), make("2", plain("b"))});
      f.db->fail("CREATE TABLE b", sqlstate);
      const RunReport report = f.up();

      CHECK(report.ok());
      REQUIRE(report.results.size() == 2);
      CHECK(report.results[1].step->migration->version.text == "2");
      CHECK(report.results[1].outcome == StepResult::Outcome::kDone);
      CHECK(f.db->reconnects == 1);
      CHECK(f.observed.events == std::vector<std::string>{"reconnecting at 2_m2.sql expand"});
      // After the reconnect: the lock again, then the records, then only step 2 again.
      const auto& log = f.db->log;
      const auto again = std::find(log.begin(), log.end(), "RECONNECT");
      REQUIRE(again != log.end());
      CHECK(std::find_if(again, log.end(), [](const std::string& s) {
              return s.find("pg_try_advisory_lock") != std::string::npos;
            }) != log.end());
      CHECK(f.db->count("CREATE TABLE a") == 1);
      CHECK(f.db->count("CREATE TABLE b") == 2);
      CHECK(f.db->table.at("1").state == "applied");
      CHECK(f.db->table.at("2").state == "applied");
      CHECK(report.done_elsewhere == 0);
    }
  }
}

TEST_CASE("an in-doubt COMMIT is resolved by the records: the step is not run again", "[runner]") {
  Fixture f({make("1", plain("a")), make("2", plain("b"))});
  // Step 1's COMMIT goes through, the client never hears.
  const RunReport report = f.up([&] { f.db->lose_commits(1); });

  CHECK(report.ok());
  CHECK(f.db->reconnects == 1);
  CHECK(report.done_elsewhere == 1);
  CHECK(f.observed.events ==
        std::vector<std::string>{"reconnecting at 1_m1.sql expand", "done elsewhere 1"});
  CHECK(f.db->count("CREATE TABLE a") == 1);
  CHECK(f.db->count("CREATE TABLE b") == 1);
  REQUIRE(report.results.size() == 1);
  CHECK(report.results[0].step->migration->version.text == "2");
  CHECK(f.db->table.at("1").state == "applied");
  CHECK(f.db->table.at("2").state == "applied");
  CHECK(f.db->history ==
        std::vector<std::string>{"1 expand pending->applied", "2 expand pending->applied"});
}

TEST_CASE("a step that keeps breaking its connection fails after 10 reconnects", "[runner]") {
  Fixture f({make("1", plain("a"))});
  f.db->fail("CREATE TABLE a", "08006", 100);
  const RunReport report = f.up();
  REQUIRE(report.results.size() == 1);
  CHECK(report.results[0].outcome == StepResult::Outcome::kFailed);
  CHECK(report.results[0].error.find("the connection broke 11 times in a row") !=
        std::string::npos);
  CHECK(report.results[0].error.find("migrations/1_m1.sql:2: the database session ended") == 0);
  CHECK(f.db->reconnects == 10);
  CHECK(f.db->table.empty());
}

TEST_CASE("SQLSTATEs are classified in one place", "[runner]") {
  CHECK(classify_sqlstate("55P03") == DbFailure::kLockTimeout);
  CHECK(classify_sqlstate("25006") == DbFailure::kReadOnly);
  CHECK(classify_sqlstate("08006") == DbFailure::kConnection);
  CHECK(classify_sqlstate("57P01") == DbFailure::kConnection);
  CHECK(classify_sqlstate("40001") == DbFailure::kOther);
  CHECK(classify_sqlstate("42P07") == DbFailure::kOther);
  const DatabaseError e =
      server_error("42P01", "ERROR:  relation \"x\" does not exist\nLINE 1: …\n");
  CHECK(std::string(e.what()) ==
        "database error: ERROR:  relation \"x\" does not exist\nLINE 1: …\n");
  CHECK(e.detail() == "relation \"x\" does not exist");
  CHECK(e.code() == ExitCode::kFailed);
  CHECK(!e.reconnectable());
  CHECK(connection_error("gone", true).failure() == DbFailure::kInDoubt);
  CHECK(std::string(connection_error("gone").what()) == "lost the database connection: gone");
}

namespace {

// A plain backfill (no table:): its statement runs again and again until it changes no row
// (the fake reports 0 rows, so once per section).
std::string with_backfill() {
  return "-- migrate:up\nALTER TABLE a ADD COLUMN b int;\n"
         "-- migrate:backfill\nUPDATE a SET b = 1 WHERE b IS NULL;\n"
         "-- migrate:down\nALTER TABLE a DROP COLUMN b;\n";
}

}  // namespace

TEST_CASE("a backfill batch that loses its connection is run again after the reconnect",
          "[runner][backfill]") {
  Fixture f({make("1", with_backfill())});
  f.db->fail("UPDATE a SET b = 1", "08006");
  const RunReport report = f.up();

  CHECK(report.ok());
  CHECK(f.db->reconnects == 1);
  // The batch rolled back with its connection; the re-plan resumes the backfill, not the expand.
  CHECK(f.db->count("ADD COLUMN b") == 1);
  CHECK(f.db->count("UPDATE a SET b = 1") == 2);
  CHECK(f.db->table.at("1").state == "applied");
}

TEST_CASE("a backfill batch that hits a lock timeout is retried with backoff",
          "[runner][backfill]") {
  Fixture f({make("1", with_backfill())});
  f.db->fail("UPDATE a SET b = 1", "55P03", 2);
  const RunReport report = f.up();

  CHECK(report.ok());
  CHECK(f.db->reconnects == 0);
  CHECK(f.db->count("UPDATE a SET b = 1") == 3);
  CHECK(f.slept.size() == 2);
  CHECK(f.db->table.at("1").state == "applied");
}

TEST_CASE("a backfill batch that fails on the server fails the step and records the failure",
          "[runner][backfill]") {
  Fixture f({make("1", with_backfill())});
  f.db->fail("UPDATE a SET b = 1", "23505");
  const RunReport report = f.up();

  CHECK_FALSE(report.ok());
  REQUIRE(report.results.size() == 2);
  CHECK(report.results[1].outcome == StepResult::Outcome::kFailed);
  CHECK(report.results[1].error.find("scripted failure") != std::string::npos);
  CHECK(f.db->count("UPDATE a SET b = 1") == 1);
}

// A run's report points into its plan (StepResult::step): a temporary plan would dangle.
namespace {
Runner* const kNoRunner = nullptr;
constexpr auto runs = TIDE_CALL(kNoRunner->run(ARG));
static_assert(test::refuses_temporary<decltype(runs), Plan>);
}  // namespace
