// Unit tests for src/adopt/ (converters per tool, the plan and its refusals).
#include <catch2/catch.hpp>

#include "tide/adopt/adopt.hpp"
#include "tide/error.hpp"

using namespace tide;
using namespace tide::adopt;

namespace {

SourceFile file(const std::string& name, const std::string& content) {
  return SourceFile{"dir/" + name, name, content};
}

OldRow row(const std::string& version, bool applied = true, bool ok = true,
           const std::string& type = "", const std::string& script = "") {
  return OldRow{version, applied, ok, type, script};
}

std::vector<OldRow> rows(std::initializer_list<const char*> versions) {
  std::vector<OldRow> out;
  for (const char* v : versions) out.push_back(row(v));
  return out;
}

std::vector<std::string> names(const Conversion& c) {
  std::vector<std::string> out;
  for (const auto& m : c.migrations) out.push_back(m.filename);
  return out;
}

std::string refusal(const Conversion& conv, const std::optional<std::vector<OldRow>>& rows,
                    const std::vector<Record>& records = {},
                    const std::map<std::string, std::string>& existing = {}) {
  try {
    plan_adoption(conv, rows, records, existing);
  } catch (const Error& e) {
    CHECK(e.code() == ExitCode::kValidation);
    return e.what();
  }
  return "";
}

}  // namespace

TEST_CASE("slugify keeps a tide-safe name", "[adopt]") {
  CHECK(slugify("_Add Index") == "add_index");
  CHECK(slugify("-create-users") == "create-users");
  CHECK(slugify("Crème brûlée!") == "cr_me_br_l_e");
  CHECK(slugify("") == "migration");
}

TEST_CASE("dbmate files keep their bytes, get tide names, in dbmate's order", "[adopt]") {
  const std::string sql =
      "-- migrate:up transaction:false\r\nCREATE INDEX CONCURRENTLY i ON t (c);\r\n";
  const auto conv = convert(Tool::kDbmate, {file("20240102_Add Index.sql", sql),
                                            file("20240101_init.sql", "-- migrate:up\nSELECT 1;\n"),
                                            file("README.md", "x"), file("notes.sql", "x")});
  REQUIRE(conv.problems.empty());
  CHECK(names(conv) == std::vector<std::string>{"20240101_init.sql", "20240102_add_index.sql"});
  CHECK(conv.migrations[1].content == sql);
  CHECK(conv.migrations[1].key == "20240102");
}

TEST_CASE("dbmate's name order that tide's numbers would change is refused", "[adopt]") {
  const auto conv = convert(Tool::kDbmate, {file("1_a.sql", "-- migrate:up\nSELECT 1;\n"),
                                            file("10_b.sql", "-- migrate:up\nSELECT 1;\n"),
                                            file("2_c.sql", "-- migrate:up\nSELECT 1;\n")});
  REQUIRE(conv.problems.size() == 1);
  CHECK_THAT(conv.problems[0].message,
             Catch::Contains("dbmate runs dir/10_b.sql before dir/1_a.sql"));
}

TEST_CASE("sql-migrate markers become tide markers, line for line", "[adopt]") {
  const auto conv =
      convert(Tool::kSqlMigrate,
              {file("10_b.sql",
                    "-- +migrate Up notransaction\nCREATE INDEX CONCURRENTLY i ON t (c);\n"
                    "-- +migrate Down\nDROP INDEX i;\n"),
               file("2-a.sql",
                    "-- +migrate Up\n-- +migrate StatementBegin\nCREATE FUNCTION f() RETURNS "
                    "int LANGUAGE sql AS $$ SELECT 1; $$;\n-- +migrate StatementEnd\n")});
  REQUIRE(conv.problems.empty());
  CHECK(names(conv) == std::vector<std::string>{"2_a.sql", "10_b.sql"});
  CHECK(conv.migrations[0].key == "2-a.sql");
  CHECK(conv.migrations[1].content ==
        "-- migrate:up transaction:false\nCREATE INDEX CONCURRENTLY i ON t (c);\n"
        "-- migrate:down\nDROP INDEX i;\n");
  CHECK_THAT(conv.migrations[0].content, Catch::Contains("-- +migrate StatementBegin\n"));
}

TEST_CASE("goose: NO TRANSACTION applies to both directions; ENVSUB is refused", "[adopt]") {
  auto conv =
      convert(Tool::kGoose, {file("00002_idx.sql",
                                  "-- +goose Up\nCREATE INDEX CONCURRENTLY i ON t (c);\n"
                                  "-- +goose Down\nDROP INDEX CONCURRENTLY i;\n"
                                  "-- +goose NO TRANSACTION\n"),
                             file("00003_seed.go", "package x"), file("helpers.go", "package x")});
  REQUIRE(conv.problems.empty());
  CHECK(conv.migrations[0].key == "2");
  CHECK(
      conv.migrations[0].content ==
      "-- migrate:up transaction:false\nCREATE INDEX CONCURRENTLY i ON t (c);\n"
      "-- migrate:down transaction:false\nDROP INDEX CONCURRENTLY i;\n-- +goose NO TRANSACTION\n");
  CHECK(conv.unsupported.size() == 1);

  conv = convert(Tool::kGoose,
                 {file("00001_a.sql", "-- +goose Up\n-- +goose ENVSUB ON\nSELECT '${X}';\n")});
  REQUIRE(conv.problems.size() == 1);
  CHECK(conv.problems[0].to_string().rfind("dir/00001_a.sql:2: goose ENVSUB", 0) == 0);
}

TEST_CASE("golang-migrate pairs become one file; its own BEGIN/COMMIT runs outside tide's",
          "[adopt]") {
  const auto conv = convert(Tool::kGolangMigrate,
                            {file("2_b.up.sql", "BEGIN;\nALTER TABLE t ADD c int;\nCOMMIT;"),
                             file("2_b.down.sql", "ALTER TABLE t DROP c;\n"),
                             file("1_a.up.sql", "CREATE TABLE t (id int);\n")});
  REQUIRE(conv.problems.empty());
  CHECK(names(conv) == std::vector<std::string>{"1_a.sql", "2_b.sql"});
  CHECK(conv.migrations[0].content == "-- migrate:up\nCREATE TABLE t (id int);\n");
  CHECK(conv.migrations[1].content ==
        "-- migrate:up transaction:false\nBEGIN;\nALTER TABLE t ADD c int;\nCOMMIT;\n"
        "-- migrate:down\nALTER TABLE t DROP c;\n");
  CHECK(conv.migrations[1].sources == "dir/2_b.up.sql + dir/2_b.down.sql");
}

TEST_CASE("Flyway versions become numbers that tide orders as Flyway does", "[adopt]") {
  const auto conv =
      convert(Tool::kFlyway, {file("V2__c.sql", "SELECT 2;\n"), file("V1_10__b.sql", "SELECT 3;\n"),
                              file("V1.2__a.sql", "SELECT 1;\n"),
                              file("V1.2__a.sql.conf", "executeInTransaction=false\n"),
                              file("R__view.sql", "SELECT 1;\n")});
  REQUIRE(conv.problems.empty());
  CHECK(names(conv) == std::vector<std::string>{"102_a.sql", "110_b.sql", "200_c.sql"});
  CHECK(conv.migrations[0].key == "1.2");
  CHECK(conv.migrations[0].content == "-- migrate:up transaction:false\nSELECT 1;\n");
  CHECK(conv.unsupported.size() == 1);
  const auto placeholder =
      convert(Tool::kFlyway, {file("V1__a.sql", "SELECT 1;\nSELECT '${x}';\n")});
  REQUIRE(placeholder.problems.size() == 1);
  CHECK(placeholder.problems[0].line == 2);
}

TEST_CASE("plan: the applied set follows each tool's rules", "[adopt]") {
  const auto goose = convert(Tool::kGoose, {file("1_a.sql", "-- +goose Up\nSELECT 1;\n"),
                                            file("2_b.sql", "-- +goose Up\nSELECT 2;\n")});
  auto plan = plan_adoption(
      goose, std::vector<OldRow>{row("0"), row("1"), row("2"), row("2", false)}, {}, {});
  CHECK(plan.items[0].applied);
  CHECK_FALSE(plan.items[1].applied);
  CHECK(plan.records_to_add() == 1);

  const auto gm = convert(Tool::kGolangMigrate,
                          {file("1_a.up.sql", "SELECT 1;"), file("2_b.up.sql", "SELECT 2;"),
                           file("3_c.up.sql", "SELECT 3;")});
  plan = plan_adoption(gm, rows({"2"}), {}, {});
  CHECK(plan.records_to_add() == 2);
  CHECK_THAT(refusal(gm, std::vector<OldRow>{row("2", true, false)}),
             Catch::Contains("dirty at version 2"));
  CHECK_THAT(refusal(gm, rows({"5"})), Catch::Contains("version 5, which has no file"));

  const auto fw =
      convert(Tool::kFlyway, {file("V1__a.sql", "SELECT 1;"), file("V2__b.sql", "SELECT 2;"),
                              file("V3__c.sql", "SELECT 3;")});
  const OldRow baseline = row("2", true, true, "BASELINE", "<< Flyway Baseline >>");
  const OldRow third = row("3", true, true, "SQL", "V3__c.sql");
  const OldRow undo = row("3", true, true, "UNDO_SQL", "U3__c.sql");
  plan = plan_adoption(fw, std::vector<OldRow>{baseline, third, undo}, {}, {});
  CHECK(plan.items[0].applied);
  CHECK(plan.items[1].applied);
  CHECK_FALSE(plan.items[2].applied);
  const OldRow renamed = row("3", true, true, "SQL", "V3__other.sql");
  CHECK_THAT(refusal(fw, std::vector<OldRow>{renamed}),
             Catch::Contains("files and table disagree"));
}

TEST_CASE("plan: refusals name the version; a repeat is a no-op", "[adopt]") {
  const auto conv = convert(Tool::kDbmate, {file("1_a.sql", "-- migrate:up\nSELECT 1;\n"),
                                            file("2_b.sql", "-- migrate:up\nSELECT 2;\n")});
  CHECK_THAT(refusal(conv, rows({"1", "3"})),
             Catch::Contains("dbmate recorded 3 as applied, but there is no file for it"));
  CHECK_THAT(refusal(conv, std::nullopt, {}, {{"1_a.sql", "-- migrate:up\nSELECT 9;\n"}}),
             Catch::Contains("1_a.sql already exists and differs"));
  CHECK_THAT(refusal(conv, std::nullopt, {}, {{"01_other.sql", "x"}}),
             Catch::Contains("version 1 is already used by 01_other.sql"));
  Record other;
  other.version = Version{"1"};
  other.checksum = "0000";
  CHECK_THAT(refusal(conv, rows({"1"}), {other}),
             Catch::Contains("tide already records version 1 with another checksum"));

  Record same = other;
  same.checksum = migration_checksum(conv.migrations[0].content);
  const auto plan = plan_adoption(
      conv, rows({"1"}), {same},
      {{"1_a.sql", conv.migrations[0].content}, {"2_b.sql", conv.migrations[1].content}});
  CHECK(plan.files_to_write() == 0);
  CHECK(plan.records_to_add() == 0);

  // No table: nothing was applied; every file is pending.
  CHECK(plan_adoption(conv, std::nullopt, {}, {}).records_to_add() == 0);
  // A pending file older than an applied one is out of order for tide: said before it bites.
  CHECK(plan_adoption(conv, rows({"2"}), {}, {}).notes.size() == 1);
}
