// Unit tests for src/lint/: every rule against its fixtures in tests/lint/<rule>/, opt-out
// comments, parse errors and the three renderers.
#include <catch2/catch.hpp>

#include <unistd.h>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "lint/tree.hpp"
#include "temporaries.hpp"
#include "tide/error.hpp"
#include "tide/lint/lint.hpp"

using namespace tide;
namespace fs = std::filesystem;

namespace {

const fs::path kFixtures = fs::path(TIDE_SOURCE_DIR) / "tests" / "lint";

// Fixture annotations: "-- expect: RULE[, RULE]" at the end of the line a finding is on, or
// "-- expect-below: RULE" on the line before it (for comment and marker lines).
std::set<std::string> expected_findings(const fs::path& file) {
  std::set<std::string> out;
  std::ifstream in(file);
  std::string line;
  for (int n = 1; std::getline(in, line); ++n) {
    int at = n;
    size_t pos = line.find("-- expect-below:");
    if (pos != std::string::npos) {
      at = n + 1;
      pos += 16;
    } else if ((pos = line.find("-- expect:")) != std::string::npos) {
      pos += 10;
    } else {
      continue;
    }
    std::istringstream rules(line.substr(pos));
    for (std::string rule; std::getline(rules >> std::ws, rule, ',');) {
      while (!rule.empty() && rule.back() == ' ') rule.pop_back();
      out.insert(file.filename().string() + ":" + std::to_string(at) + " " + rule);
    }
  }
  return out;
}

std::string key(const lint::Finding& f) {
  return fs::path(f.file).filename().string() + ":" + std::to_string(f.line) + " " + f.rule;
}

std::string describe(const lint::Report& r) {
  return lint::render_text(r, util::Color::no);
}

lint::Report lint_text(const std::string& content, const std::string& path = "m/0001_t.sql") {
  std::vector<Problem> problems;
  Migration m = parse_migration(path, content, problems);
  REQUIRE(problems.empty());
  lint::Options options;
  options.sources[path] = content;
  return lint::lint(std::vector<Migration>{m}, options);
}

std::vector<std::string> rules_fired(const lint::Report& r) {
  std::vector<std::string> out;
  for (const auto& f : r.findings) out.push_back(f.rule);
  return out;
}

}  // namespace

TEST_CASE("every rule fires exactly where its fixtures say, and only there") {
  std::set<std::string> dirs;
  for (const auto& entry : fs::directory_iterator(kFixtures)) {
    if (entry.is_directory()) dirs.insert(entry.path().filename().string());
  }
  for (const auto& rule : lint::rules()) {
    INFO("rule " << rule.name << " needs tests/lint/" << rule.name << "/");
    CHECK(dirs.count(rule.name) == 1);
  }
  for (const std::string& dir : dirs) {
    SECTION(dir) {
      REQUIRE(lint::find_rule(dir) != nullptr);
      const MigrationSet set = load_migrations((kFixtures / dir).string());
      REQUIRE(set.problems.empty());
      const lint::Report report = lint::lint(set);
      INFO(describe(report));

      std::set<std::string> expected, actual;
      bool has_bad = false, has_good = false;
      for (const Migration& m : set.migrations) {
        const auto mine = expected_findings(m.path);
        expected.insert(mine.begin(), mine.end());
        int fired = 0;
        for (const auto& f : report.findings) {
          fired += f.file == m.path && f.rule == dir;
        }
        INFO(m.filename);
        if (m.name.compare(0, 4, "bad_") == 0) {
          has_bad = true;
          CHECK(fired > 0);
        } else if (m.name.compare(0, 5, "good_") == 0) {
          has_good = true;
          for (const auto& f : report.findings) CHECK(f.file != m.path);
        }
      }
      for (const auto& f : report.findings) actual.insert(key(f));
      CHECK(actual == expected);
      CHECK(has_bad);
      CHECK(has_good);
    }
  }
}

TEST_CASE("an opt-out comment suppresses only the rules it names, only where it stands") {
  const auto r = lint_text(
      "-- migrate:expand\n"
      "-- tide:allow drop-in-expand because nothing reads it\n"
      "ALTER TABLE a DROP COLUMN x;\n"
      "ALTER TABLE b DROP COLUMN y;\n"
      "-- migrate:contract\nSELECT 1;\n");
  REQUIRE(r.findings.size() == 1);
  CHECK(r.findings[0].rule == "drop-in-expand");
  CHECK(r.findings[0].line == 4);
}

TEST_CASE("an opt-out comment without a reason is an error and suppresses nothing") {
  const auto r = lint_text(
      "-- migrate:expand\n"
      "ALTER TABLE a DROP COLUMN x; -- tide:allow drop-in-expand\n"
      "-- migrate:contract\nSELECT 1;\n");
  CHECK(rules_fired(r) == std::vector<std::string>{"drop-in-expand", "invalid-allow"});
  CHECK(r.has_errors());
  CHECK(r.findings[1].message.find("no reason") != std::string::npos);
}

TEST_CASE("a blank line or statement between the comment and the statement breaks the link") {
  const auto r = lint_text(
      "-- migrate:expand\n"
      "-- tide:allow drop-in-expand because reviewed\n"
      "\n"
      "ALTER TABLE a DROP COLUMN x;\n"
      "-- migrate:contract\nSELECT 1;\n");
  CHECK(rules_fired(r) == std::vector<std::string>{"unused-allow", "drop-in-expand"});
}

TEST_CASE("severity overrides change or silence a rule") {
  const std::string text = "-- migrate:up\nCREATE TABLE t (id int);\n";
  std::vector<Problem> problems;
  Migration m = parse_migration("m/0001_t.sql", text, problems);
  lint::Options options;
  options.sources["m/0001_t.sql"] = text;
  auto r = lint::lint(std::vector<Migration>{m}, options);
  REQUIRE(r.findings.size() == 1);
  CHECK(r.findings[0].severity == lint::Severity::kWarning);
  CHECK_FALSE(r.has_errors());
  options.severity_overrides["missing-down"] = lint::Severity::kError;
  CHECK(lint::lint(std::vector<Migration>{m}, options).has_errors());
  options.severity_overrides["missing-down"] = lint::Severity::kOff;
  CHECK(lint::lint(std::vector<Migration>{m}, options).findings.empty());
  CHECK(lint::parse_severity("warn") == lint::Severity::kWarning);
  CHECK_FALSE(lint::parse_severity("loud"));
}

TEST_CASE("findings are reported only for the files asked for, with earlier files as context") {
  const fs::path dir = kFixtures / "set-not-null";
  const std::string good = (dir / "0003_good_validated_in_earlier_migration.sql").string();
  auto r = lint::lint_paths(dir.string(), {good});
  INFO(describe(r));
  CHECK(r.findings.empty());  // 0001 added the CHECK that 0003 validates
  CHECK(r.migrations == 1);
  r = lint::lint_paths(dir.string(), {(dir / "0001_bad_set_not_null.sql").string()});
  CHECK(r.findings.size() == 2);
  CHECK_THROWS_AS(lint::lint_paths(dir.string(), {"nope/0009_x.sql"}), tide::Error);
}

TEST_CASE("files the grammar rejects are skipped with a warning naming file and line") {
  const fs::path tmp =
      fs::temp_directory_path() / ("tide-lint-parse-error-" + std::to_string(getpid()));
  fs::remove_all(tmp);
  fs::create_directories(tmp);
  std::ofstream(tmp / "0001_broken.sql")
      << "-- migrate:up\nCREATE TABLE t (id int);\nALTER TABEL t;\n";
  std::ofstream(tmp / "0002_unterminated.sql") << "-- migrate:up\nSELECT 'open;\n";
  const auto r = lint::lint_paths(tmp.string(), {});
  // Not even the scanner splits an unterminated string: an error.
  REQUIRE(r.problems.size() == 1);
  CHECK(r.problems[0].line == 2);
  CHECK(r.problems[0].file == (tmp / "0002_unterminated.sql").string());
  // The grammar rejects ALTER TABEL (as it rejects PostgreSQL 16+ syntax): lint skips the file.
  REQUIRE(r.skipped.size() == 1);
  CHECK(r.skipped[0].line == 3);
  CHECK(r.skipped[0].file == (tmp / "0001_broken.sql").string());
  CHECK(r.warnings() >= 1);
  const std::string text = lint::render_text(r, util::Color::no);
  CHECK(text.find("0001_broken.sql:3: warning syntax error") != std::string::npos);
  CHECK(text.find("not parsed by the PostgreSQL 15 grammar: lint skipped for this file") !=
        std::string::npos);
  CHECK(text.find("0002_unterminated.sql:2: error") != std::string::npos);
  fs::remove_all(tmp);
}

TEST_CASE("renderers: text, JSON that parses back, well-formed GitHub commands") {
  auto r = lint_text(
      "-- migrate:expand\n"
      "ALTER TABLE a DROP COLUMN x;\n"
      "-- migrate:contract\nSELECT 1;\n",
      "m,x/0001_a.sql");
  r.problems.push_back(Problem{"m/0002_x.sql", 7, "syntax error at or near \"%\"\nsecond line"});

  const std::string text = lint::render_text(r, util::Color::no);
  CHECK(text.find("m,x/0001_a.sql:2: error [drop-in-expand] DROP COLUMN a.x") != std::string::npos);
  CHECK(text.find("    fix: move it to") != std::string::npos);
  CHECK(text.find("2 errors, 0 warnings in 1 migration") != std::string::npos);
  CHECK(lint::render_text(r, util::Color::yes).find("\x1b[") != std::string::npos);

  const auto doc = nlohmann::json::parse(lint::render_json(r));
  CHECK(doc["errors"] == 2);
  REQUIRE(doc["findings"].size() == 1);
  CHECK(doc["findings"][0]["rule"] == "drop-in-expand");
  CHECK(doc["findings"][0]["line"] == 2);
  CHECK(doc["findings"][0]["phase"] == "expand");
  CHECK(doc["findings"][0]["version"] == "0001");
  CHECK(doc["problems"][0]["message"] == "syntax error at or near \"%\"\nsecond line");

  std::istringstream lines(lint::render_github(r));
  std::vector<std::string> commands;
  for (std::string line; std::getline(lines, line);) {
    if (line.rfind("::", 0) == 0) commands.push_back(line);
  }
  REQUIRE(commands.size() == 2);
  CHECK(commands[0] ==
        "::error file=m/0002_x.sql,line=7,title=tide::syntax error at or near "
        "\"%25\"%0Asecond line");
  CHECK(commands[1].rfind("::error file=m%2Cx/0001_a.sql,line=2,title=drop-in-expand::DROP COLUMN",
                          0) == 0);
  CHECK(commands[1].find("%0Afix: ") != std::string::npos);
}

TEST_CASE("every rule is documented in docs/lint.md") {
  std::ifstream in(fs::path(TIDE_SOURCE_DIR) / "docs" / "lint.md");
  std::stringstream doc;
  doc << in.rdbuf();
  for (const auto& rule : lint::rules()) {
    INFO(rule.name);
    CHECK(doc.str().find("### `" + rule.name + "`") != std::string::npos);
  }
}

// field, node_type and node_body return a reference or pointer into the node they are given:
// from a temporary (say *parse_statement(sql)) it would dangle, so those overloads are deleted.
namespace {
constexpr auto field_of = TIDE_CALL(lint::field(ARG, ""));
constexpr auto type_of = TIDE_CALL(lint::node_type(ARG));
constexpr auto body_of = TIDE_CALL(lint::node_body(ARG, ""));
static_assert(test::refuses_temporary<decltype(field_of), lint::Json>);
static_assert(test::refuses_temporary<decltype(type_of), lint::Json>);
static_assert(test::refuses_temporary<decltype(body_of), lint::Json>);
}  // namespace
