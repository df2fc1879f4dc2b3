// SHA-256 checksums of migration files (OpenSSL), with CRLF read as LF so that a
// checkout on Windows is not a changed file.
#include <openssl/evp.h>

#include <array>
#include <memory>

#include "tide/error.hpp"
#include "tide/migration/migration.hpp"

namespace tide {

std::string migration_checksum(const std::string& content) {
  // Most files have no CR at all: then the content is hashed as it is, without a copy.
  std::string normalized;
  const bool has_cr = content.find('\r') != std::string::npos;
  if (has_cr) {
    normalized.reserve(content.size());
    for (size_t i = 0; i < content.size(); ++i) {
      if (content[i] == '\r' && i + 1 < content.size() && content[i + 1] == '\n') continue;
      normalized += content[i];
    }
  }
  const std::string& hashed = has_cr ? normalized : content;
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int len = 0;
  // Fetched once: looking the algorithm up again for every file cost as much as hashing it.
  static EVP_MD* const sha256 = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  if (!sha256 ||
      EVP_Digest(hashed.data(), hashed.size(), digest.data(), &len, sha256, nullptr) != 1) {
    throw Error(ExitCode::kFailed, "SHA-256 failed (OpenSSL)");
  }
  static const char* hex = "0123456789abcdef";
  std::string out;
  out.reserve(2 * len);
  for (unsigned int i = 0; i < len; ++i) {
    out += hex[digest[i] >> 4];
    out += hex[digest[i] & 0xF];
  }
  return out;
}

}  // namespace tide
