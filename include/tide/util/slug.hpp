// The slug of a free-text name: the one core behind `tide new NAME` (migration_slug) and the
// file names `tide adopt` gives other tools' migrations (adopt::slugify).
#pragma once

#include <string>

namespace tide::util {

struct Slug {
  // Lower-case ASCII letters and digits; every run of other characters one '_' ('-' kept as
  // '-'), none at either end; accented Latin letters transliterated ("Größe" -> "grosse").
  // Empty when the name has no letter or digit.
  std::string text;
  std::string refused;        // "'✓', 'д'": characters with no ASCII spelling (read as spaces)
  bool invalid_utf8 = false;  // a malformed UTF-8 sequence was met (its bytes read as spaces)
};

Slug slug(const std::string& name);

}  // namespace tide::util
