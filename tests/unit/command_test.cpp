// Unit tests for src/cli/command.cpp: the needs a row declares, how they map to a database
// target, the files as each Files mode reads them, and the edge where library exceptions
// become tide errors.
#include <unistd.h>
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <pqxx/pqxx>

#include "cli/command.hpp"

using namespace tide;
using namespace tide::cli;
namespace fs = std::filesystem;

TEST_CASE("needs map to a target: changes under the lock, reads without it") {
  CHECK(target_mode({Files::kStrict, DbAccess::kReadWrite, Lock::kMigration}) ==
        TargetMode::kMigrate);
  CHECK(target_mode({Files::kStrict, DbAccess::kRehearse, Lock::kMigration}) ==
        TargetMode::kRehearse);
  CHECK(target_mode({Files::kReport, DbAccess::kReadOnly, Lock::kNone}) == TargetMode::kRead);
  // Mistakes in the table, never a half-locked target.
  CHECK_THROWS_AS(target_mode({Files::kStrict, DbAccess::kReadWrite, Lock::kNone}),
                  std::logic_error);
  CHECK_THROWS_AS(target_mode({Files::kReport, DbAccess::kReadOnly, Lock::kMigration}),
                  std::logic_error);
  CHECK_THROWS_AS(target_mode({Files::kNone, DbAccess::kNone, Lock::kNone}), std::logic_error);
}

TEST_CASE("each Files mode reads the files its own way") {
  const fs::path dir =
      fs::temp_directory_path() / ("tide-command-test-" + std::to_string(getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  Context ctx;
  ctx.migrations_dir = dir.string();

  CHECK(ctx.load_files(Files::kNone).migrations.empty());
  CHECK(ctx.load_files(Files::kReport).problems.empty());
  try {  // an empty directory is a problem only for a command that runs migrations
    ctx.load_files(Files::kStrict);
    FAIL("no error for an empty directory");
  } catch (const Error& e) {
    CHECK(e.code() == ExitCode::kValidation);
    CHECK_THAT(e.what(), Catch::Contains("no migration files"));
  }

  std::ofstream(dir / "0001_a.sql") << "-- migrate:up\nSELECT 1;\n";
  std::ofstream(dir / "bad.sql") << "-- migrate:up\nSELECT 1;\n";  // a bad name only
  CHECK(ctx.load_files(Files::kReport).problems.size() == 1);
  CHECK(ctx.load_files(Files::kWarn).migrations.size() == 1);  // logged, not thrown
  try {
    ctx.load_files(Files::kStrict);
    FAIL("no error for a bad file name");
  } catch (const Error& e) {
    CHECK(e.code() == ExitCode::kValidation);
    CHECK_THAT(e.what(), Catch::Contains("1 problem in") && Catch::Contains("bad.sql"));
  }
  fs::remove_all(dir);
}

namespace {

// A command whose run() does what the test says, and remembers the needs it ran with.
class Scripted final : public Command {
 public:
  explicit Scripted(std::function<int()> body) : body_(std::move(body)) {}
  void define(CLI::App&) override {}
  Needs needs(const Needs& row, const GlobalOptions& g) const override {
    if (g.url.empty()) return {row.files, DbAccess::kNone, Lock::kNone};
    return row;
  }
  int run(Run& run) override {
    seen = run.needs();
    return body_();
  }
  Needs seen;

 private:
  std::function<int()> body_;
};

const Needs kRow{Files::kStrict, DbAccess::kReadWrite, Lock::kMigration};

}  // namespace

TEST_CASE("dispatch runs a command with the needs its flags leave, and returns its exit code") {
  CLI::App app;
  GlobalOptions g;
  Scripted command([] { return 5; });
  CHECK(dispatch(command, kRow, g, app) == 5);
  CHECK(command.seen.database == DbAccess::kNone);
  g.url = "postgres://localhost/app";
  CHECK(dispatch(command, kRow, g, app) == 5);
  CHECK(command.seen.database == DbAccess::kReadWrite);
  CHECK(command.seen.lock == Lock::kMigration);
}

TEST_CASE("dispatch lets only tide errors out, with the messages tide always gave") {
  CLI::App app;
  const GlobalOptions g;
  SECTION("a server error keeps its SQLSTATE") {
    Scripted command([]() -> int {
      throw pqxx::sql_error("ERROR:  relation \"t\" does not exist", "SELECT * FROM t", "42P01");
    });
    try {
      dispatch(command, kRow, g, app);
      FAIL("nothing thrown");
    } catch (const DatabaseFailure& e) {
      CHECK(e.code() == ExitCode::kFailed);
      CHECK(e.sqlstate() == "42P01");
      CHECK_THAT(e.what(), Catch::StartsWith("database error: ERROR:  relation"));
    }
  }
  SECTION("a broken connection") {
    Scripted command(
        []() -> int { throw pqxx::broken_connection("server closed the connection"); });
    try {
      dispatch(command, kRow, g, app);
      FAIL("nothing thrown");
    } catch (const DatabaseFailure& e) {
      CHECK(e.code() == ExitCode::kFailed);
      CHECK(e.sqlstate().empty());
      CHECK(std::string(e.what()) == "lost the database connection: server closed the connection");
    }
  }
  SECTION("a filesystem error names the path, not the library") {
    Scripted command([]() -> int {
      throw fs::filesystem_error("directory iterator cannot open directory", fs::path("migrations"),
                                 std::make_error_code(std::errc::permission_denied));
    });
    try {
      dispatch(command, kRow, g, app);
      FAIL("nothing thrown");
    } catch (const Error& e) {
      CHECK(e.code() == ExitCode::kFailed);
      CHECK(std::string(e.what()) == "migrations: Permission denied");
    }
  }
  SECTION("tide's own errors pass unchanged") {
    Scripted command([]() -> int { throw usage_error("--to: 'x' is not a version"); });
    try {
      dispatch(command, kRow, g, app);
      FAIL("nothing thrown");
    } catch (const DatabaseFailure&) {
      FAIL("a usage error became a database failure");
    } catch (const Error& e) {
      CHECK(e.code() == ExitCode::kUsage);
      CHECK(std::string(e.what()) == "--to: 'x' is not a version");
    }
  }
}
