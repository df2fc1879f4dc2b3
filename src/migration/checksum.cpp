// SHA-256 checksums of migration files (OpenSSL), with CRLF read as LF so that a
// checkout on Windows is not a changed file.
#include <openssl/evp.h>

#include <array>
#include <memory>

#include "tide/error.hpp"
#include "tide/migration/migration.hpp"
#include "tide/util/text.hpp"

namespace tide {

std::string migration_checksum(const std::string& content) {
  // Most files have no CR at all: then the content is hashed as it is, without a copy.
  const bool has_cr = content.find('\r') != std::string::npos;
  const std::string normalized = has_cr ? util::lf_line_endings(content) : std::string();
  const std::string& hashed = has_cr ? normalized : content;
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int len = 0;
  // Fetched once: looking the algorithm up again for every file cost as much as hashing it.
  static EVP_MD* const sha256 = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  if (!sha256 ||
      EVP_Digest(hashed.data(), hashed.size(), digest.data(), &len, sha256, nullptr) != 1) {
    throw Error(ExitCode::kFailed, "SHA-256 failed (OpenSSL)");
  }
  return util::hex(std::string_view(reinterpret_cast<const char*>(digest.data()), len));
}

}  // namespace tide
