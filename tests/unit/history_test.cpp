// Unit tests for src/db/history.cpp's loading of the records, and the Database seam's default
// exec_rows() it reads them through. No server: a scripted Database answers the queries.
#include <catch2/catch.hpp>

#include "tide/db/database.hpp"
#include "tide/db/history.hpp"

using namespace tide;

namespace {

// Answers the table checks of History::load and returns `rows` for any other query, through
// exec() only: exec_rows() is the seam's default.
class Scripted : public Database {
 public:
  explicit Scripted(std::vector<std::vector<SqlValue>> rows) : rows_(std::move(rows)) {}

  SqlResult exec(const std::string& sql) override {
    queries.push_back(sql);
    SqlResult r;
    r.rows = rows_;
    return r;
  }
  SqlResult exec_params(const std::string& sql, const SqlParams&) override {
    SqlResult r;
    if (sql.find("to_regclass($1) IS NULL") != std::string::npos) r.rows = {{SqlValue("f")}};
    if (sql.find("count(*) FROM pg_attribute") != std::string::npos) r.rows = {{SqlValue("4")}};
    return r;
  }
  void prepare(const std::string&, const std::string&) override {}
  SqlResult exec_prepared(const std::string&, const SqlParams&) override { return {}; }
  void begin() override {}
  void commit() override {}
  void rollback() noexcept override {}
  void reconnect() override {}
  std::unique_ptr<Database> open_another() override { return nullptr; }
  std::string describe() const override { return "scripted"; }

  std::vector<std::string> queries;

 private:
  std::vector<std::vector<SqlValue>> rows_;
};

}  // namespace

TEST_CASE("exec_rows hands over every row of exec()'s result, NULL as nullopt", "[history]") {
  Scripted db({{SqlValue("a"), SqlValue()}, {SqlValue(""), SqlValue("bb")}});
  std::vector<std::vector<std::optional<std::string>>> seen;
  db.exec_rows("SELECT x", [&](const RowView& row) {
    auto& copy = seen.emplace_back();
    for (const auto& f : row) copy.push_back(f ? std::optional<std::string>(*f) : std::nullopt);
  });
  REQUIRE(seen.size() == 2);
  CHECK(seen[0] == std::vector<std::optional<std::string>>{"a", std::nullopt});
  CHECK(seen[1] == std::vector<std::optional<std::string>>{"", "bb"});
  CHECK(db.queries == std::vector<std::string>{"SELECT x"});
}

TEST_CASE("History::load reads every column of a record, NULLs as empty or unset", "[history]") {
  Scripted db({
      {SqlValue("0002"), SqlValue("add_body"), SqlValue("abc123"), SqlValue("backfilling"),
       SqlValue("1"), SqlValue("5000"), SqlValue("12345678901"), SqlValue("2026-11-25T21:21:19Z"),
       SqlValue("42"), SqlValue(), SqlValue(), SqlValue(), SqlValue(), SqlValue("alice"),
       SqlValue("ci-7"), SqlValue("0.1.0")},
      {SqlValue("0003"), SqlValue("broken"), SqlValue("def"), SqlValue("failed"), SqlValue("0"),
       SqlValue(), SqlValue("0"), SqlValue(), SqlValue(), SqlValue("2026-01-02T03:04:05Z"),
       SqlValue("-7"), SqlValue("expanded"), SqlValue("ERROR:  boom\nline 2"), SqlValue("bob"),
       SqlValue(), SqlValue()},
  });
  const History history(QualifiedName{"public", "tide_migrations"});
  const std::vector<Record> records = history.load(db);
  REQUIRE(records.size() == 2);

  const Record& a = records[0];
  CHECK(a.version.text == "0002");
  CHECK(a.name == "add_body");
  CHECK(a.checksum == "abc123");
  CHECK(a.state == State::kBackfilling);
  CHECK(a.backfill_section == 1);
  CHECK(a.backfill_last_key == std::optional<std::string>("5000"));
  CHECK(a.backfill_rows == 12345678901LL);
  CHECK(a.expanded_at == "2026-11-25T21:21:19Z");
  CHECK(a.expand_ms == 42);
  CHECK(a.contracted_at.empty());
  CHECK(a.contract_ms == -1);
  CHECK(!a.failed_from);
  CHECK(a.error.empty());
  CHECK(a.applied_by == "alice");
  CHECK(a.client_host == "ci-7");
  CHECK(a.tool_version == "0.1.0");

  const Record& b = records[1];
  CHECK(b.state == State::kFailed);
  CHECK(!b.backfill_last_key);
  CHECK(b.expanded_at.empty());
  CHECK(b.expand_ms == -1);
  CHECK(b.contracted_at == "2026-01-02T03:04:05Z");
  CHECK(b.contract_ms == -7);
  CHECK(b.failed_from == std::optional<State>(State::kExpanded));
  CHECK(b.error == "ERROR:  boom\nline 2");
  CHECK(b.client_host.empty());
  CHECK(b.tool_version.empty());
}
