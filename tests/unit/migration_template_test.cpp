// Unit tests for src/migration/migration_template.cpp: names, next versions, the template.
#include <catch2/catch.hpp>

#include "tide/error.hpp"
#include "tide/migration/migration_template.hpp"

using namespace tide;

namespace {
MigrationSet with_versions(std::initializer_list<const char*> versions) {
  MigrationSet set;
  for (const char* v : versions) {
    Migration m;
    m.version = Version{v};
    m.name = "x";
    set.migrations.push_back(m);
  }
  return set;
}
// 2026-11-24T09:30:59Z
constexpr std::time_t kAt59 = 1795512659;
}  // namespace

TEST_CASE("a timestamp version is a real UTC time, bumped by one second past the newest") {
  CHECK(next_version(with_versions({}), VersionFormat::kAsFiles, kAt59).text == "20261124093059");
  // The newest file is the same second: the next second is 09:31:00, not 09:30:60.
  CHECK(next_version(with_versions({"20261124093059"}), VersionFormat::kAsFiles, kAt59).text ==
        "20261124093100");
  CHECK(next_version(with_versions({"20261231235959"}), VersionFormat::kTimestamp, kAt59).text ==
        "20270101000000");
  CHECK(next_version(with_versions({"20261124093000"}), VersionFormat::kTimestamp, kAt59).text ==
        "20261124093059");
}

TEST_CASE("a project numbered sequentially continues sequentially") {
  CHECK(next_version(with_versions({"0001", "0007"}), VersionFormat::kAsFiles, kAt59).text ==
        "0008");
  CHECK(next_version(with_versions({"0009"}), VersionFormat::kAsFiles, kAt59).text == "0010");
  CHECK(next_version(with_versions({"9999"}), VersionFormat::kAsFiles, kAt59).text == "10000");
  CHECK(next_version(with_versions({"3"}), VersionFormat::kAsFiles, kAt59).text == "4");
  CHECK(next_version(with_versions({}), VersionFormat::kSequential, kAt59).text == "0001");
  // An explicit format wins over what the files look like.
  CHECK(next_version(with_versions({"0007"}), VersionFormat::kTimestamp, kAt59).text ==
        "20261124093059");
  CHECK(next_version(with_versions({"20261124093000"}), VersionFormat::kSequential, kAt59).text ==
        "20261124093001");
}

TEST_CASE("names become slugs; common Latin letters are transliterated") {
  CHECK(migration_slug("Add body text") == "add_body_text");
  CHECK(migration_slug("add-index") == "add-index");
  CHECK(migration_slug("  add  (body) text!  ") == "add_body_text");
  CHECK(migration_slug("Ajouter l'élément à la façade") == "ajouter_l_element_a_la_facade");
  CHECK(migration_slug("Straße Größe") == "strasse_grosse");
  CHECK(migration_slug("Łódź żółć") == "lodz_zolc");
  CHECK(migration_slug("Æble Øl Œuvre") == "aeble_ol_oeuvre");
  CHECK(migration_slug("čeština ŘEŠENÍ") == "cestina_reseni");
}

TEST_CASE("a name with letters a file name cannot hold is refused, naming them") {
  try {
    migration_slug("добавить поле");
    FAIL("expected an error");
  } catch (const Error& e) {
    CHECK(e.code() == ExitCode::kUsage);
    CHECK(std::string(e.what()).find("'д'") != std::string::npos);
  }
  CHECK_THROWS_AS(migration_slug("add ✓"), Error);
  CHECK_THROWS_AS(migration_slug("!!!"), Error);
  CHECK_THROWS_AS(migration_slug("bad \xff utf8"), Error);
}
