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
  const std::string normalized = util::lf_line_endings(content);
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int len = 0;
  if (EVP_Digest(normalized.data(), normalized.size(), digest.data(), &len, EVP_sha256(),
                 nullptr) != 1) {
    throw Error(ExitCode::kFailed, "SHA-256 failed (OpenSSL)");
  }
  return util::hex(std::string_view(reinterpret_cast<const char*>(digest.data()), len));
}

}  // namespace tide
