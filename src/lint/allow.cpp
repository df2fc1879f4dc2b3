// Parsing of `-- tide:allow` comments and deciding which statements they cover.
#include "lint/allow.hpp"

#include <fmt/format.h>

#include <cctype>
#include <sstream>

#include "tide/lint/lint.hpp"

namespace tide::lint {
namespace {

constexpr const char* kTag = "tide:allow";

std::string trim(const std::string& s) {
  size_t b = 0, e = s.size();
  while (b < e && std::isspace(static_cast<unsigned char>(s[b]))) ++b;
  while (e > b && std::isspace(static_cast<unsigned char>(s[e - 1]))) --e;
  return s.substr(b, e - b);
}

// `rest` is what follows "tide:allow" on the line.
Allow parse_allow(int line, const std::string& rest) {
  Allow a;
  a.line = line;
  std::istringstream words(rest);
  std::string word;
  bool because = false;
  while (words >> word) {
    if (word == "because") {
      because = true;
      break;
    }
    std::string name;
    for (char c : word + ",") {
      if (c != ',') {
        name += c;
      } else if (!name.empty()) {
        a.rules.push_back(name);
        name.clear();
      }
    }
  }
  if (because) {
    std::string reason;
    std::getline(words, reason);
    a.reason = trim(reason);
  }
  if (a.rules.empty()) {
    a.error = "names no rule: write '-- tide:allow RULE because REASON'";
  } else if (a.reason.empty()) {
    a.error = "gives no reason: write '-- tide:allow " + a.rules.front() +
              " because <why this is safe here>' so reviewers can judge it";
  } else {
    for (const auto& r : a.rules) {
      if (!find_rule(r)) {
        a.error = fmt::format("names unknown rule '{}' (tide lint --help lists the rules)", r);
      }
    }
  }
  return a;
}

}  // namespace

AllowComments::AllowComments(const std::string& file_text) {
  std::istringstream in(file_text);
  std::string line;
  for (int n = 1; std::getline(in, line); ++n) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    const std::string t = trim(line);
    if (t.empty()) {
      lines_.push_back(LineKind::kBlank);
    } else if (t.compare(0, 2, "--") == 0) {
      const std::string body = trim(t.substr(2));
      lines_.push_back(body.compare(0, 8, "migrate:") == 0 ? LineKind::kMarker
                                                           : LineKind::kComment);
    } else {
      lines_.push_back(LineKind::kCode);
    }
    // The tag must follow "--" on the line: the start of a line comment.
    for (size_t dash = line.find("--"); dash != std::string::npos;
         dash = line.find("--", dash + 2)) {
      const std::string after = trim(line.substr(dash + 2));
      if (after.compare(0, 10, kTag) == 0) {
        allows_.push_back(parse_allow(n, after.substr(10)));
        break;
      }
    }
  }
}

AllowComments::LineKind AllowComments::kind(int line) const {
  return line >= 1 && line <= static_cast<int>(lines_.size()) ? lines_[line - 1] : LineKind::kBlank;
}

bool AllowComments::covers(const Allow& a, int first, int last) const {
  if (a.line >= first && a.line <= last) return true;
  if (a.line > first) return false;
  // The comment block right above: only comment lines between the allow and the statement.
  for (int l = a.line; l < first; ++l) {
    if (kind(l) != LineKind::kComment) return false;
  }
  return true;
}

bool AllowComments::allows(const std::string& rule, int first, int last) {
  for (Allow& a : allows_) {
    if (!a.error.empty() || !covers(a, first, last)) continue;
    for (const auto& r : a.rules) {
      if (r == rule) {
        a.used = true;
        return true;
      }
    }
  }
  return false;
}

}  // namespace tide::lint
