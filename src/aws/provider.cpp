// Helpers shared by the credential providers: environment lookup and the JSON credential shape.
#include "aws/provider.hpp"

#include <cstdlib>
#include <nlohmann/json.hpp>

namespace tide::aws {

std::string env(const char* name) {
  const char* v = std::getenv(name);
  return v ? v : "";
}

Credentials credentials_from_json(const std::string& text, const std::string& what,
                                  const JsonCredentialNames& names) {
  nlohmann::json doc = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded() || !doc.is_object()) {
    throw CredentialError(what + ": response is not a JSON object");
  }
  auto text_of = [&](const char* key, bool required) -> std::string {
    auto it = doc.find(key);
    if (it == doc.end() || it->is_null()) {
      if (required) throw CredentialError(what + ": response has no " + key);
      return "";
    }
    if (!it->is_string()) throw CredentialError(what + ": " + key + " is not a string");
    return it->get<std::string>();
  };
  Credentials c;
  c.access_key_id = text_of(names.access_key, true);
  c.secret_access_key = text_of(names.secret_key, true);
  c.session_token = text_of(names.token, false);
  if (c.access_key_id.empty() || c.secret_access_key.empty()) {
    throw CredentialError(what + ": response has an empty access key or secret key");
  }
  std::string expiration = text_of(names.expiration, false);
  if (!expiration.empty()) {
    c.expiration = parse_iso8601(expiration);
    if (!c.expiration) {
      throw CredentialError(what + ": " + names.expiration + " '" + expiration +
                            "' is not an ISO 8601 time");
    }
  }
  return c;
}

}  // namespace tide::aws

namespace tide::aws {

std::string redact(std::string text, const std::vector<std::string>& secrets) {
  for (const auto& secret : secrets) {
    if (secret.size() < 8) continue;  // too short to be a real secret; avoid mangling text
    for (size_t pos; (pos = text.find(secret)) != std::string::npos;) {
      text.replace(pos, secret.size(), "<redacted>");
    }
  }
  // Signatures and presigned tokens have no fixed value to look for: scrub by shape.
  for (const char* marker : {"Signature=", "X-Amz-Security-Token="}) {
    std::string m = marker;
    for (size_t pos = text.find(m); pos != std::string::npos; pos = text.find(m, pos + 1)) {
      size_t start = pos + m.size();
      size_t end = text.find_first_of(" &,\n\"'<", start);
      if (end == std::string::npos) end = text.size();
      if (end > start) text.replace(start, end - start, "<redacted>");
    }
  }
  return text;
}

}  // namespace tide::aws
