// The text helpers the AWS files use (INI, XML, HTTP answers, header names), from tide/util.
#pragma once

#include <string>

#include "tide/util/text.hpp"

namespace tide::aws {

// AWS answers are trimmed of spaces, tabs and line breaks (not of form feeds).
inline std::string trim(const std::string& s) {
  return util::trim(s, " \t\r\n");
}
using util::lower;

}  // namespace tide::aws
