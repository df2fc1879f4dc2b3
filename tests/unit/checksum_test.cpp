// Pins migration checksums: a recorded checksum must stay what it was when a migration ran,
// whatever changes in how files are read or parsed (else every database reports `changed`).
#include <catch2/catch.hpp>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>

#include "tide/migration/migration.hpp"

using namespace tide;
namespace fs = std::filesystem;

TEST_CASE("checksums of edge-case contents are pinned", "[checksum]") {
  // SHA-256 of the content with each CRLF read as LF; a lone CR and a BOM are kept.
  const std::map<std::string, std::string> pinned = {
      {"a\r\nb\r\n", "911169ddaaf146aff539f58c26c489af3b892dff0fe283c1c264c65ae5aa59a2"},
      {"a\rb", "af9081672dd5ef3247a30c2db5b0dafcc9bcf981a26aefb3c55d210d43fcc14e"},
      {"x\r", "896dfdaceccde1790c65d5cf32aa62d534947892db8caf916ec499f84f3ae398"},
      {"\r\r\n", "7eb70257593da06f682a3ddda54a9d260d4fc514f645237f5ca74b08f8da61a6"},
      {"\xEF\xBB\xBF-- migrate:up\r\nSELECT 1;\r\n",
       "23174ab565855804b632cecd58693844f3894883dc9335de3aba87c18beaf902"},
      {"-- migrate:up\nSELECT 1;\n",
       "2be38f331755cac1a312dea121c3da64832ace82d37707cfd1a81ccd39dffbdf"},
  };
  for (const auto& [content, sum] : pinned) {
    INFO(content);
    CHECK(migration_checksum(content) == sum);
  }
}

TEST_CASE("checksums of fixture files read from disk are pinned", "[checksum]") {
  const MigrationSet set =
      load_migrations(std::string(TIDE_SOURCE_DIR) + "/tests/lint/drop-in-expand");
  REQUIRE(set.problems.empty());
  const std::map<std::string, std::string> pinned = {
      {"0001", "1e7c42751874f6d7471272dfd808d8d478a3f8c40d12636c9d67c2277ad316b2"},
      {"0002", "e410732d5b1e25e25234045040d0ae55bd4e5b94529488f0e3534ff9bd3173f6"},
      {"0003", "be3047718e51b76292d7ae912f473f752c49f95d73b20ba64857879143659eae"},
      {"0004", "e0162d8490c871a59de7b02a94c1dcbd50f7af6651c79f78183c5dcbcd8cdfda"},
      {"0005", "ec24aea94e1d20c69312789ed5908ac1bb54972c2e423acaa0606845b3b75638"},
  };
  REQUIRE(set.migrations.size() == pinned.size());
  for (const Migration& m : set.migrations) {
    INFO(m.path);
    CHECK(m.checksum == pinned.at(m.version.text));
  }
}

TEST_CASE("a CRLF file read from disk has the checksum of its LF content", "[checksum]") {
  const fs::path dir = fs::temp_directory_path() / "tide_checksum_test";
  fs::remove_all(dir);
  fs::create_directories(dir);
  {
    std::ofstream(dir / "0001_crlf.sql", std::ios::binary)
        << "\xEF\xBB\xBF-- migrate:up\r\nSELECT 1;\r\n";
    std::ofstream(dir / "0002_lf.sql", std::ios::binary) << "-- migrate:up\nSELECT 1;\n";
  }
  const MigrationSet set = load_migrations(dir.string());
  fs::remove_all(dir);
  REQUIRE(set.problems.empty());
  REQUIRE(set.migrations.size() == 2);
  CHECK(set.migrations[0].checksum ==
        "23174ab565855804b632cecd58693844f3894883dc9335de3aba87c18beaf902");
  CHECK(set.migrations[1].checksum ==
        "2be38f331755cac1a312dea121c3da64832ace82d37707cfd1a81ccd39dffbdf");
}
