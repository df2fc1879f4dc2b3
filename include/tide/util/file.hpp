// Reading a whole file: the one place tide does it, so every caller gets the same checks. A
// directory, an unreadable file or a failed read is an error with its reason, never empty text.
#pragma once

#include <optional>
#include <string>

namespace tide::util {

struct FileText {
  std::optional<std::string> content;  // the bytes as stored, when the whole file was read
  std::string error;     // why not, for a message: "is a directory", "Permission denied", …
  bool missing = false;  // nothing at the path (ENOENT, ENOTDIR): callers may treat it as absent
  explicit operator bool() const { return content.has_value(); }
};

FileText read_file(const std::string& path);

}  // namespace tide::util
