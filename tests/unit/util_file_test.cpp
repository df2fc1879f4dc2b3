// Unit tests for src/util/file.cpp: the one whole-file read, and a caller that used to read a
// directory as an empty file.
#include <catch2/catch.hpp>

#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "tide/error.hpp"
#include "tide/lint/lint.hpp"
#include "tide/util/file.hpp"

using namespace tide;
namespace fs = std::filesystem;

namespace {

struct TempDir {
  fs::path path;
  TempDir() {
    path = fs::temp_directory_path() / ("tide_util_file_" + std::to_string(::getpid()));
    fs::remove_all(path);
    fs::create_directories(path);
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
};

}  // namespace

TEST_CASE("read_file returns the bytes as stored", "[util]") {
  TempDir dir;
  const std::string bytes("a\r\nb\0c\n", 7);
  std::ofstream(dir.path / "f", std::ios::binary) << bytes;
  const auto r = util::read_file((dir.path / "f").string());
  REQUIRE(r);
  CHECK(*r.content == bytes);
  CHECK(r.error.empty());
}

TEST_CASE("read_file reads an empty file as empty text, not as an error", "[util]") {
  TempDir dir;
  std::ofstream(dir.path / "empty").close();
  const auto r = util::read_file((dir.path / "empty").string());
  REQUIRE(r);
  CHECK(r.content->empty());
}

TEST_CASE("read_file: a directory is an error, never empty content", "[util]") {
  TempDir dir;
  const auto r = util::read_file(dir.path.string());
  CHECK_FALSE(r);
  CHECK(r.error == "is a directory");
  CHECK_FALSE(r.missing);
}

TEST_CASE("read_file: a missing file says so", "[util]") {
  TempDir dir;
  const auto r = util::read_file((dir.path / "nope").string());
  CHECK_FALSE(r);
  CHECK(r.missing);
  CHECK(r.error == "No such file or directory");
  CHECK(util::read_file((dir.path / "nope" / "deeper").string()).missing);
}

TEST_CASE("read_file: an unreadable file is an error with its reason", "[util]") {
  TempDir dir;
  const fs::path f = dir.path / "secret";
  std::ofstream(f) << "x";
  fs::permissions(f, fs::perms::none);
  const auto r = util::read_file(f.string());
  if (::geteuid() == 0) {
    CHECK(r);  // root reads it anyway: nothing to check
  } else {
    CHECK_FALSE(r);
    CHECK(r.error == "Permission denied");
  }
}

TEST_CASE("lint names a migration file it cannot read instead of linting empty text",
          "[util][lint]") {
  TempDir dir;
  const fs::path as_dir = dir.path / "0001_t.sql";
  fs::create_directories(as_dir);
  std::vector<Problem> problems;
  Migration m = parse_migration(as_dir.string(), "-- migrate:up\nSELECT 1;\n", problems);
  REQUIRE(problems.empty());
  CHECK_THROWS_WITH(lint::lint(std::vector<Migration>{m}),
                    Catch::Contains(as_dir.string()) && Catch::Contains("is a directory"));
}
