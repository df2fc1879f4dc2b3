// Internal pieces shared by the credential providers.
#pragma once

#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "tide/aws/credentials.hpp"

namespace tide::aws {

// A provider that is configured but failed (STS refused, bad JSON, process exited non-zero).
// Like botocore, the chain stops there instead of trying the next provider.
class CredentialError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// The value of an environment variable, "" when unset.
std::string env(const char* name);

// Credentials from a JSON document with the given member names (ECS, IMDS and
// credential_process all use this shape). Throws CredentialError naming `what`; the message
// never quotes the document.
struct JsonCredentialNames {
  const char* access_key = "AccessKeyId";
  const char* secret_key = "SecretAccessKey";
  const char* token = "Token";
  const char* expiration = "Expiration";
};
Credentials credentials_from_json(const std::string& text, const std::string& what,
                                  const JsonCredentialNames& names = {});

}  // namespace tide::aws

namespace tide::aws {

// `text` with every secret of 8 or more characters, and the value after any "Signature=" or
// "X-Amz-Security-Token=", replaced by "<redacted>".
std::string redact(std::string text, const std::vector<std::string>& secrets);

}  // namespace tide::aws
