// Unit tests for src/migration/migration_file.cpp and sql_split.cpp.
#include <catch2/catch.hpp>

#include "tide/migration/migration.hpp"
#include "tide/migration/sql_split.hpp"

using namespace tide;

namespace {
Migration parse(const std::string& content, std::vector<Problem>& problems,
                const std::string& path = "migrations/0001_test.sql") {
  return parse_migration(path, content, problems);
}
std::string all(const std::vector<Problem>& ps) {
  std::string s;
  for (const auto& p : ps) s += p.to_string() + "\n";
  return s;
}
}  // namespace

TEST_CASE("file names give version and slug") {
  Version v;
  std::string slug;
  REQUIRE(parse_migration_filename("0001_create_users.sql", v, slug));
  CHECK(v.text == "0001");
  CHECK(slug == "create_users");
  REQUIRE(parse_migration_filename("20261124093000_add-index.sql", v, slug));
  CHECK(v.text == "20261124093000");
  CHECK_FALSE(parse_migration_filename("create_users.sql", v, slug));
  CHECK_FALSE(parse_migration_filename("0001_Create.sql", v, slug));
  CHECK_FALSE(parse_migration_filename("0001_.sql", v, slug));
  CHECK_FALSE(parse_migration_filename("0001.sql", v, slug));
  CHECK_FALSE(parse_migration_filename("0001_a b.sql", v, slug));
  CHECK_FALSE(parse_migration_filename("_x.sql", v, slug));
}

TEST_CASE("versions compare as numbers, keep their text") {
  CHECK(Version{"0002"} < Version{"10"});
  CHECK(Version{"001"} == Version{"1"});
  CHECK(Version{"99999999999999999999"} < Version{"100000000000000000000"});
  CHECK(Version{"0"} == Version{"000"});
}

TEST_CASE("dbmate up/down files parse as plain migrations") {
  std::vector<Problem> problems;
  auto m = parse(
      "-- a comment\n\n-- migrate:up\nCREATE TABLE t (id int);\n"
      "INSERT INTO t VALUES (1);\n-- migrate:down\nDROP TABLE t;\n",
      problems);
  INFO(all(problems));
  REQUIRE(problems.empty());
  CHECK(m.expand.marker == "up");
  REQUIRE(m.expand.statements.size() == 2);
  CHECK(m.expand.statements[0].sql == "CREATE TABLE t (id int)");
  CHECK(m.expand.statements[0].line == 4);
  CHECK(m.expand.statements[1].line == 5);
  REQUIRE(m.down);
  CHECK(m.down->statements.at(0).line == 7);
  CHECK_FALSE(m.two_phase());
  CHECK(m.version.text == "0001");
  CHECK(m.name == "test");
}

TEST_CASE("every section and option is parsed") {
  std::vector<Problem> problems;
  auto m = parse(
      "-- migrate:expand lock_timeout:2s statement_timeout:1m\n"
      "ALTER TABLE messages ADD COLUMN body_text text;\n"
      "-- migrate:backfill table:messages key:id batch_size:100 batch_sleep:20ms\n"
      "UPDATE messages SET body_text = body->>'text' WHERE id BETWEEN $1 AND $2;\n"
      "-- migrate:backfill\n"
      "UPDATE t SET x = 1 WHERE id IN (SELECT id FROM t WHERE x IS NULL LIMIT 10);\n"
      "-- migrate:contract transaction:false\n"
      "ALTER TABLE messages DROP COLUMN body;\n"
      "-- migrate:down\n"
      "ALTER TABLE messages DROP COLUMN body_text;\n",
      problems);
  INFO(all(problems));
  REQUIRE(problems.empty());
  CHECK(m.expand.lock_timeout == Millis(2000));
  CHECK(m.expand.statement_timeout == Millis(60000));
  REQUIRE(m.backfills.size() == 2);
  CHECK(m.backfills[0].keyed());
  CHECK(m.backfills[0].table == "messages");
  CHECK(m.backfills[0].key == "id");
  CHECK(m.backfills[0].batch_size == 100);
  CHECK(m.backfills[0].batch_sleep == Millis(20));
  CHECK_FALSE(m.backfills[1].keyed());
  REQUIRE(m.contract);
  CHECK_FALSE(m.contract->transactional);
  CHECK(m.two_phase());
}

TEST_CASE("dollar quotes, strings and comments do not split statements") {
  std::vector<Problem> problems;
  auto m = parse(
      "-- migrate:up\n"
      "CREATE FUNCTION f() RETURNS int AS $body$ SELECT 1; SELECT 2; $body$ LANGUAGE sql;\n"
      "INSERT INTO t VALUES ('a;b'); -- trailing; comment\n"
      "/* block; comment */ SELECT $$;$$;\n",
      problems);
  INFO(all(problems));
  REQUIRE(problems.empty());
  REQUIRE(m.expand.statements.size() == 3);
  CHECK(m.expand.statements[2].sql == "SELECT $$;$$");
  CHECK(m.expand.statements[2].line == 4);
}

TEST_CASE("syntax errors name the file line") {
  std::vector<Problem> problems;
  // The PostgreSQL 15 grammar rejects it: split by the scanner, flagged for lint/validate.
  auto m = parse("-- migrate:up\nSELECT 1;\n\nSELEC 2;\n", problems);
  CHECK(problems.empty());
  REQUIRE(m.unparsed);
  CHECK(m.unparsed->line == 4);
  CHECK(m.unparsed->to_string().find("migrations/0001_test.sql:4: syntax error") == 0);
  CHECK(m.expand.statements.size() == 2);
  // Not even the scanner splits an unterminated string: a problem.
  parse("-- migrate:up\nSELECT 1;\n\nSELECT 'open;\n", problems);
  REQUIRE(problems.size() == 1);
  CHECK(problems[0].line == 4);
}

TEST_CASE("bad files are reported with their line") {
  std::vector<Problem> problems;
  SECTION("unknown section") {
    parse("-- migrate:up\nSELECT 1;\n-- migrate:sideways\nSELECT 2;\n", problems);
    REQUIRE(problems.size() == 1);
    CHECK(problems[0].line == 3);
  }
  SECTION("unknown option") {
    parse("-- migrate:up colour:blue\nSELECT 1;\n", problems);
    REQUIRE(problems.size() == 1);
    CHECK(problems[0].line == 1);
    CHECK(problems[0].message.find("colour") != std::string::npos);
  }
  SECTION("backfill option on expand") {
    parse("-- migrate:up batch_size:5\nSELECT 1;\n", problems);
    REQUIRE(problems.size() == 1);
  }
  SECTION("bad duration") {
    parse("-- migrate:up lock_timeout:soon\nSELECT 1;\n", problems);
    REQUIRE(problems.size() == 1);
  }
  SECTION("SQL before the first marker") {
    parse("SELECT 1;\n-- migrate:up\nSELECT 1;\n", problems);
    REQUIRE(problems.size() == 1);
    CHECK(problems[0].line == 1);
  }
  SECTION("no expand section") {
    parse("-- just a comment\n", problems);
    REQUIRE(problems.size() == 1);
  }
  SECTION("both up and expand") {
    parse("-- migrate:up\nSELECT 1;\n-- migrate:expand\nSELECT 2;\n", problems);
    REQUIRE(problems.size() == 1);
    CHECK(problems[0].line == 3);
  }
  SECTION("keyed backfill without $1/$2") {
    parse("-- migrate:up\nSELECT 1;\n-- migrate:backfill table:t\nUPDATE t SET x = 1;\n", problems);
    REQUIRE(problems.size() == 1);
    CHECK(problems[0].line == 4);
  }
  SECTION("plain backfill with parameters") {
    parse("-- migrate:up\nSELECT 1;\n-- migrate:backfill\nUPDATE t SET x = 1 WHERE id = $1;\n",
          problems);
    REQUIRE(problems.size() == 1);
  }
  SECTION("batch_size without table") {
    parse(
        "-- migrate:up\nSELECT 1;\n-- migrate:backfill batch_size:10\nUPDATE t SET x=1 "
        "WHERE x IS NULL;\n",
        problems);
    REQUIRE(problems.size() == 1);
  }
  SECTION("junk bytes") {
    parse(std::string("-- migrate:up\n\x01\xff\xfe garbage;\n"), problems);
    REQUIRE_FALSE(problems.empty());
  }
  SECTION("NUL bytes") {
    const char raw[] = "-- migrate:up\nSELECT 1;\0\n";
    parse(std::string(raw, sizeof(raw) - 1), problems);
    REQUIRE(problems.size() == 1);
  }
  SECTION("bad name") {
    parse("-- migrate:up\nSELECT 1;\n", problems, "migrations/Create.sql");
    REQUIRE(problems.size() == 1);
    CHECK(problems[0].line == 0);
  }
}

TEST_CASE("checksums read CRLF as LF") {
  CHECK(migration_checksum("a\r\nb\n") == migration_checksum("a\nb\n"));
  CHECK(migration_checksum("a\nb\n") != migration_checksum("a\nb"));
  CHECK(migration_checksum("") ==
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

TEST_CASE("CRLF files parse with the same lines") {
  std::vector<Problem> problems;
  auto m = parse("-- migrate:up\r\nSELECT 1;\r\n-- migrate:down\r\nSELECT 2;\r\n", problems);
  REQUIRE(problems.empty());
  CHECK(m.down->statements.at(0).line == 4);
}

TEST_CASE("quote_ident doubles quotes") {
  CHECK(quote_ident("users") == "\"users\"");
  CHECK(quote_ident("a\"b") == "\"a\"\"b\"");
}

TEST_CASE("PostgreSQL 16+ syntax is split by the scanner and left to the server") {
  std::vector<Problem> problems;
  auto m = parse(
      "-- migrate:up\n"
      "CREATE TABLE t (id int);\n"
      "SELECT * FROM (SELECT 1);\n"
      "ALTER TABLE t ADD CONSTRAINT n NOT NULL id;\n"
      "CREATE FUNCTION f() RETURNS int AS $$ SELECT 1; $$ LANGUAGE sql;\n",
      problems);
  INFO(all(problems));
  REQUIRE(problems.empty());
  REQUIRE(m.unparsed);
  CHECK(m.unparsed->line == 3);
  CHECK_THAT(
      m.unparsed->message,
      Catch::Contains("not parsed by the PostgreSQL 15 grammar: lint skipped for this file"));
  REQUIRE(m.expand.statements.size() == 4);
  CHECK(m.expand.statements[1].sql == "SELECT * FROM (SELECT 1)");
  CHECK(m.expand.statements[2].line == 4);
  CHECK(m.expand.statements[3].line == 5);
  // A keyed backfill in newer syntax: its $1/$2 are the server's to check.
  problems.clear();
  m = parse(
      "-- migrate:up\nSELECT 1;\n-- migrate:backfill table:t\n"
      "UPDATE t SET x = (SELECT 1 FROM (SELECT 1)) WHERE id BETWEEN $1 AND $2;\n",
      problems);
  INFO(all(problems));
  CHECK(problems.empty());
  CHECK(m.unparsed);
}

TEST_CASE("transaction control in a transactional section is a problem with its line") {
  for (const char* stmt : {"COMMIT", "ROLLBACK", "BEGIN", "END", "ABORT", "SAVEPOINT s",
                           "RELEASE SAVEPOINT s", "ROLLBACK TO SAVEPOINT s", "START TRANSACTION",
                           "PREPARE TRANSACTION 'x'", "commit and chain", "COMMIT PREPARED 'x'"}) {
    std::vector<Problem> problems;
    parse(std::string("-- migrate:expand\nCREATE TABLE t (id int);\n  ") + stmt +
              ";\n-- migrate:contract\nSELECT 1;\n",
          problems);
    INFO(stmt << "\n" << all(problems));
    REQUIRE(problems.size() == 1);
    CHECK(problems[0].line == 3);
    CHECK_THAT(problems[0].message, Catch::Contains("transactional section"));
  }
  std::vector<Problem> problems;
  parse("-- migrate:up\nSELECT 1;\n-- migrate:backfill\nBEGIN;\n-- migrate:down\n/* c */ COMMIT;\n",
        problems);
  REQUIRE(problems.size() == 2);
  CHECK(problems[0].line == 4);
  CHECK(problems[1].line == 6);
  // transaction:false sections may hold what they like; PREPARE of a statement is no control.
  problems.clear();
  parse(
      "-- migrate:up transaction:false\nBEGIN;\nCREATE TABLE t (id int);\nCOMMIT;\n"
      "PREPARE q AS SELECT 1;\nDEALLOCATE q;\n",
      problems);
  INFO(all(problems));
  CHECK(problems.empty());
}

TEST_CASE("COPY with client data is refused with its line") {
  std::vector<Problem> problems;
  parse("-- migrate:up\nCREATE TABLE t (id int);\n\nCOPY t FROM stdin;\n", problems);
  REQUIRE(problems.size() == 1);
  CHECK(problems[0].line == 4);
  CHECK_THAT(problems[0].message, Catch::Contains("FROM STDIN"));
  problems.clear();
  parse("-- migrate:up\nCOPY (SELECT 1) TO STDOUT;\n", problems);
  REQUIRE(problems.size() == 1);
  CHECK_THAT(problems[0].message, Catch::Contains("TO STDOUT"));
  problems.clear();
  parse("-- migrate:up\nCOPY t FROM '/srv/data.csv';\nCOPY t TO PROGRAM 'cat';\n", problems);
  CHECK(problems.empty());
}

TEST_CASE("a UTF-8 byte order mark is accepted, invalid UTF-8 is named with its line") {
  std::vector<Problem> problems;
  auto m = parse("\xEF\xBB\xBF-- migrate:up\nSELECT 1;\n", problems);
  INFO(all(problems));
  CHECK(problems.empty());
  CHECK(m.expand.statements.size() == 1);
  parse("-- migrate:up\nSELECT 'caf\xC3\xA9';\nSELECT '\xC3\x28';\n", problems);
  REQUIRE(problems.size() == 1);
  CHECK(problems[0].line == 3);
  CHECK_THAT(problems[0].message, Catch::Contains("UTF-8"));
  problems.clear();
  parse("-- migrate:up\nSELECT '\xED\xA0\x80';\n", problems);  // a UTF-16 surrogate
  CHECK(problems.size() == 1);
}

TEST_CASE("duplicate marker options and durations out of range are problems") {
  std::vector<Problem> problems;
  parse("-- migrate:up\nSELECT 1;\n-- migrate:down lock_timeout:1s lock_timeout:2s\nSELECT 2;\n",
        problems);
  REQUIRE(problems.size() == 1);
  CHECK(problems[0].line == 3);
  CHECK_THAT(problems[0].message, Catch::Contains("lock_timeout") && Catch::Contains("twice"));
  problems.clear();
  parse("-- migrate:up lock_timeout:9999999h\nSELECT 1;\n", problems);
  REQUIRE(problems.size() == 1);
  CHECK_THAT(problems[0].message, Catch::Contains("out of range"));
  problems.clear();
  parse("-- migrate:up statement_timeout:2147483647ms lock_timeout:596h\nSELECT 1;\n", problems);
  CHECK(problems.empty());
}

TEST_CASE("line numbers stay right over a long file") {
  std::string text = "-- migrate:up\n";
  for (int i = 0; i < 2000; ++i) text += "/* c */ SELECT " + std::to_string(i) + ";\n\n";
  std::vector<Problem> problems;
  auto m = parse(text, problems);
  REQUIRE(m.expand.statements.size() == 2000);
  CHECK(m.expand.statements[0].line == 2);
  CHECK(m.expand.statements[1999].line == 2 + 2 * 1999);
}
