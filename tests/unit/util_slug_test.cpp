// Unit tests for src/util/slug.cpp: the one slug core behind `tide new` and `tide adopt`.
#include <catch2/catch.hpp>

#include "tide/adopt/adopt.hpp"
#include "tide/migration/migration_template.hpp"
#include "tide/util/slug.hpp"

using namespace tide;

TEST_CASE("the slug core folds separators and transliterates Latin letters", "[util][slug]") {
  CHECK(util::slug("Add body text").text == "add_body_text");
  CHECK(util::slug("a - b").text == "a_b");
  CHECK(util::slug("--a--b--").text == "a-b");
  CHECK(util::slug("Größe").text == "grosse");
  CHECK(util::slug("!!!").text.empty());
  const util::Slug s = util::slug("add ✓ д ✓");
  CHECK(s.text == "add");
  CHECK(s.refused == "'✓', 'д'");
  CHECK(util::slug("bad \xff utf8").invalid_utf8);
  CHECK(util::slug("bad \xff utf8").text == "bad_utf8");
}

TEST_CASE("adopt's file names use the same slug as tide new", "[util][slug][adopt]") {
  // Before the shared core, adopt dropped non-ASCII bytes ("gr_e") and kept spaces around
  // a dash ("a_-_b").
  CHECK(adopt::slugify("Größe") == "grosse");
  CHECK(adopt::slugify("Größe") == migration_slug("Größe"));
  CHECK(adopt::slugify("a - b") == "a_b");
  CHECK(adopt::slugify("a - b") == migration_slug("a - b"));
  CHECK(adopt::slugify("Add Index") == migration_slug("Add Index"));
  // What `tide new` refuses still gets a file name when adopting another tool's file.
  CHECK(adopt::slugify("добавить поле") == "migration");
  CHECK(adopt::slugify("add ✓") == "add");
  CHECK(adopt::slugify("") == "migration");
}
