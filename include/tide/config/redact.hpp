// Secrets in connection settings. Every string that came from a connection setting (--url,
// $DATABASE_URL, tide.yaml's url: and password:, IAM tokens) passes through here before it
// reaches an error message, a log line or --dry-run output: tide never shows a password, not
// even one in a malformed URL (a raw '@', '/' or '%' in it, a scheme typo, an unclosed quote).
#pragma once

#include <string>
#include <vector>

namespace tide {

// The setting as it may be shown: the password, as its author meant it (up to the last '@'
// of a URL's user info, up to the next key=value of a conninfo string), replaced by ***.
std::string redact_connection_string(const std::string& raw);

// The secrets `raw` holds: each password as written, percent-decoded and as libpq reads it.
std::vector<std::string> connection_secrets(const std::string& raw);

// The password of a URL's user info as its author meant it, percent-decoded where possible;
// empty when there is none or `raw` is not a URL.
std::string url_password(const std::string& raw);

// libpq's message about a connection string it could not read, without the piece of the
// string it quotes (which may be part of a password, quotes and all): `missing "=" after "…"
// in connection info string`. Show the redacted string beside it instead.
std::string conninfo_error_stem(const std::string& message);

// `text` with every secret replaced by ***.
std::string scrub(std::string text, const std::vector<std::string>& secrets);

}  // namespace tide
