// Inline opt-outs: `-- tide:allow rule-a, rule-b because <reason>` on the line before a
// statement (in the comment block right above it) or on one of its lines suppresses those
// rules for that statement. A comment above a section marker covers that marker's findings.
#pragma once

#include <string>
#include <vector>

namespace tide::lint {

struct Allow {
  int line = 0;
  std::vector<std::string> rules;
  std::string reason;
  std::string error;  // why the comment is malformed, or ""
  bool used = false;
};

class AllowComments {
 public:
  explicit AllowComments(const std::string& file_text);

  // True (and the comment marked used) when a well-formed allow for `rule` covers the
  // statement spanning file lines [first, last].
  bool allows(const std::string& rule, int first, int last);
  const std::vector<Allow>& all() const { return allows_; }

 private:
  enum class LineKind { kCode, kComment, kBlank, kMarker };
  LineKind kind(int line) const;
  bool covers(const Allow& a, int first, int last) const;

  std::vector<Allow> allows_;
  std::vector<LineKind> lines_;  // index 0 is line 1
};

}  // namespace tide::lint
