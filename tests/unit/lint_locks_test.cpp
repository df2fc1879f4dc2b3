// Unit tests for src/lint/locks.cpp (what each statement locks, per PostgreSQL's documented
// lock levels) and for weighing findings by live table size (src/lint/linter.cpp).
#include <catch2/catch.hpp>

#include "tide/lint/lint.hpp"

using namespace tide;

namespace {

std::vector<Migration> migrations(const std::vector<std::string>& texts) {
  std::vector<Migration> out;
  for (size_t i = 0; i < texts.size(); ++i) {
    std::vector<Problem> problems;
    const std::string path = "m/000" + std::to_string(i + 1) + "_m.sql";
    out.push_back(parse_migration(path, texts[i], problems));
    REQUIRE(problems.empty());
  }
  return out;
}

// The locks of every statement of the last migration, described, one per statement.
std::vector<std::string> locks_of_last(const std::vector<std::string>& texts,
                                       const std::string& zone = "") {
  const auto ms = migrations(texts);
  const auto locks = lint::analyse_locks(ms, zone);
  std::vector<std::string> out;
  for (const Statement& st : ms.back().expand.statements) {
    auto it = locks.find(&st);
    out.push_back(it == locks.end() ? "?" : lint::describe_locks(it->second, nullptr));
  }
  return out;
}

const std::string kSetup =
    "-- migrate:up\n"
    "CREATE TABLE users (id int PRIMARY KEY, name varchar(20), at timestamp, team_id int);\n"
    "CREATE TABLE teams (id int PRIMARY KEY);\n"
    "CREATE INDEX users_name_idx ON users (name);\n";

}  // namespace

TEST_CASE("statements take the lock levels PostgreSQL documents") {
  const auto locks = locks_of_last({kSetup,
                                    "-- migrate:up transaction:false\n"
                                    "CREATE INDEX users_at_idx ON users (at);\n"
                                    "CREATE INDEX CONCURRENTLY users_team_idx ON users (team_id);\n"
                                    "DROP INDEX users_name_idx;\n"
                                    "ALTER TABLE users ADD COLUMN note text;\n"
                                    "ALTER TABLE users ALTER COLUMN id TYPE bigint;\n"
                                    "ALTER TABLE users ALTER COLUMN name TYPE varchar(50);\n"
                                    "ALTER TABLE users ADD CONSTRAINT users_team_fk FOREIGN KEY "
                                    "(team_id) REFERENCES teams (id);\n"
                                    "ALTER TABLE users ADD CONSTRAINT users_team_fk2 FOREIGN KEY "
                                    "(team_id) REFERENCES teams (id) NOT VALID;\n"
                                    "ALTER TABLE users VALIDATE CONSTRAINT users_team_fk2;\n"
                                    "ALTER TABLE users ALTER COLUMN name SET NOT NULL;\n"
                                    "UPDATE users SET note = '';\n"
                                    "UPDATE users SET note = '' WHERE id = 1;\n"
                                    "VACUUM FULL users;\n"
                                    "LOCK TABLE teams IN SHARE MODE;\n"
                                    "CREATE TABLE audit (id int REFERENCES users (id));\n"
                                    "SELECT 1;\n"});
  CHECK(locks == std::vector<std::string>{
                     "SHARE on users (reads every row)",
                     "SHARE UPDATE EXCLUSIVE on users (reads every row)",
                     "ACCESS EXCLUSIVE on users",
                     "ACCESS EXCLUSIVE on users",
                     "ACCESS EXCLUSIVE on users (rewrites the table)",
                     "ACCESS EXCLUSIVE on users",
                     "SHARE ROW EXCLUSIVE on users (reads every row); SHARE ROW EXCLUSIVE on teams",
                     "SHARE ROW EXCLUSIVE on users; SHARE ROW EXCLUSIVE on teams",
                     "SHARE UPDATE EXCLUSIVE on users (reads every row)",
                     "ACCESS EXCLUSIVE on users (reads every row)",
                     "ROW EXCLUSIVE on users (reads every row)",
                     "ROW EXCLUSIVE on users",
                     "ACCESS EXCLUSIVE on users (rewrites the table)",
                     "SHARE on teams",
                     "ACCESS EXCLUSIVE on audit (no rows yet); SHARE ROW EXCLUSIVE on users",
                     "",
                 });
}

TEST_CASE("timestamp to timestamptz rewrites unless the session time zone is UTC") {
  const std::string alter = "-- migrate:up\nALTER TABLE users ALTER COLUMN at TYPE timestamptz;\n";
  CHECK(locks_of_last({kSetup, alter}) ==
        std::vector<std::string>{"ACCESS EXCLUSIVE on users (rewrites the table)"});
  CHECK(locks_of_last({kSetup, alter}, "Etc/UTC") ==
        std::vector<std::string>{"ACCESS EXCLUSIVE on users"});
  CHECK(locks_of_last({kSetup,
                       "-- migrate:up\nSET timezone = 'UTC';\n"
                       "ALTER TABLE users ALTER COLUMN at TYPE timestamptz;\n"})
            .back() == "ACCESS EXCLUSIVE on users");
}

TEST_CASE("lock descriptions carry live sizes; JSON gives rows and bytes") {
  const auto ms = migrations({kSetup, "-- migrate:up\nCREATE INDEX users_at_idx ON users (at);\n"});
  const auto locks = lint::analyse_locks(ms);
  const lint::StatementLocks& l = locks.at(&ms.back().expand.statements[0]);
  const lint::TableSizes sizes = {{"public.users", {10.2e6, 1717986918LL}}};
  CHECK(lint::describe_locks(l, &sizes) == "SHARE on users (reads every row, ~10.2M rows, 1.6 GB)");
  const auto json = lint::locks_json(l, &sizes);
  CHECK(json[0]["rows"] == 10200000);
  CHECK(json[0]["bytes"] == 1717986918LL);
  CHECK(json[0]["mode"] == "SHARE");
  CHECK(lint::describe_size({-1, 8192}) == "8 kB (never analysed: row count unknown)");
}

TEST_CASE("a connected lint drops findings on small tables to info and sizes the others") {
  const auto ms = migrations({kSetup,
                              "-- migrate:up\n"
                              "CREATE INDEX users_at_idx ON users (at);\n"
                              "CREATE INDEX teams_id_idx ON teams (id);\n"
                              "ALTER TABLE users DROP COLUMN team_id;\n"
                              "-- migrate:down\nSELECT 1;\n"});
  const lint::TableSizes sizes = {{"public.users", {2e6, 300LL << 20}},
                                  {"public.teams", {40, 16384}}};
  lint::Options options;
  options.sizes = &sizes;
  options.only = {ms.back().path};
  options.sources[ms.back().path] = "";
  const lint::Report r = lint::lint(ms, options);
  REQUIRE(r.findings.size() == 3);
  CHECK(r.findings[0].severity == lint::Severity::kError);
  CHECK_THAT(r.findings[0].message, Catch::EndsWith("(users: ~2.0M rows, 300.0 MB)"));
  CHECK(r.findings[1].severity == lint::Severity::kInfo);
  CHECK_THAT(r.findings[1].message,
             Catch::EndsWith("— but teams: ~40 rows, 16 kB, under the lint size threshold"));
  // Dropping a column breaks the deployed code whatever the table's size.
  CHECK(r.findings[2].rule == "drop-in-expand");
  CHECK(r.findings[2].severity == lint::Severity::kError);
  CHECK(r.errors() == 2);
  CHECK(r.infos() == 1);
  CHECK_THAT(lint::render_text(r, util::Color::no),
             Catch::EndsWith("2 errors, 0 warnings in 1 migration (1 finding on small tables, "
                             "shown as info)\n"));
  options.sizes = nullptr;  // offline: as before
  CHECK(lint::lint(ms, options).errors() == 3);
}
