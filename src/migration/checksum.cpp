// SHA-256 checksums of migration files (OpenSSL), with CRLF read as LF so that a
// checkout on Windows is not a changed file.
#include <openssl/evp.h>

#include <array>
#include <memory>

#include "tide/error.hpp"
#include "tide/migration/migration.hpp"

namespace tide {

std::string migration_checksum(const std::string& content) {
  std::string normalized;
  normalized.reserve(content.size());
  for (size_t i = 0; i < content.size(); ++i) {
    if (content[i] == '\r' && i + 1 < content.size() && content[i + 1] == '\n') continue;
    normalized += content[i];
  }
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int len = 0;
  if (EVP_Digest(normalized.data(), normalized.size(), digest.data(), &len, EVP_sha256(),
                 nullptr) != 1) {
    throw Error(ExitCode::kFailed, "SHA-256 failed (OpenSSL)");
  }
  static const char* hex = "0123456789abcdef";
  std::string out;
  for (unsigned int i = 0; i < len; ++i) {
    out += hex[digest[i] >> 4];
    out += hex[digest[i] & 0xF];
  }
  return out;
}

}  // namespace tide
