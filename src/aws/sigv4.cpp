// AWS Signature Version 4 (see include/tide/aws/sigv4.hpp). Follows the published algorithm
// and botocore's choices where the algorithm leaves room (parameter order of presigned URLs).
#include "tide/aws/sigv4.hpp"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <algorithm>
#include <cctype>
#include <ctime>
#include <map>
#include <stdexcept>

#include "aws/text.hpp"

namespace tide::aws::sigv4 {
namespace {

std::string format_utc(TimePoint t, const char* fmt) {
  std::time_t secs = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, fmt, &tm);
  return buf;
}

// Header values: trimmed, runs of spaces collapsed to one.
std::string canonical_value(const std::string& v) {
  std::string out;
  bool space = false;
  for (char c : v) {
    if (c == ' ' || c == '\t') {
      space = !out.empty();
      continue;
    }
    if (space) out += ' ';
    space = false;
    out += c;
  }
  return out;
}

// name -> values joined by ',' (sorted by name, as the algorithm requires).
std::map<std::string, std::string> canonical_headers(const Params& headers) {
  std::map<std::string, std::string> out;
  for (const auto& [name, value] : headers) {
    auto& slot = out[lower(name)];
    if (!slot.empty()) slot += ',';
    slot += canonical_value(value);
  }
  return out;
}

const char* kAlgorithm = "AWS4-HMAC-SHA256";

}  // namespace

std::string hex(std::string_view bytes) { return util::hex(bytes); }

std::string sha256_hex(std::string_view data) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (EVP_Digest(data.data(), data.size(), md, &len, EVP_sha256(), nullptr) != 1) {
    throw std::runtime_error("SHA-256 failed (OpenSSL)");
  }
  return hex(std::string_view(reinterpret_cast<const char*>(md), len));
}

std::string hmac_sha256(std::string_view key, std::string_view data) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (!HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
            reinterpret_cast<const unsigned char*>(data.data()), data.size(), md, &len)) {
    throw std::runtime_error("HMAC-SHA256 failed (OpenSSL)");
  }
  return std::string(reinterpret_cast<const char*>(md), len);
}

std::string uri_encode(std::string_view s, bool keep_slash) {
  static const char* digits = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~' ||
        (keep_slash && c == '/')) {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += digits[c >> 4];
      out += digits[c & 0xf];
    }
  }
  return out;
}

std::string amz_date(TimePoint t) {
  return format_utc(t, "%Y%m%dT%H%M%SZ");
}
std::string date_stamp(TimePoint t) {
  return format_utc(t, "%Y%m%d");
}

std::string credential_scope(TimePoint t, const Scope& scope) {
  return date_stamp(t) + "/" + scope.region + "/" + scope.service + "/aws4_request";
}

std::string canonical_query(const Params& query) {
  std::vector<std::pair<std::string, std::string>> encoded;
  encoded.reserve(query.size());
  for (const auto& [k, v] : query) encoded.emplace_back(uri_encode(k), uri_encode(v));
  std::sort(encoded.begin(), encoded.end());
  std::string out;
  for (const auto& [k, v] : encoded) {
    if (!out.empty()) out += '&';
    out += k + "=" + v;
  }
  return out;
}

std::string signed_header_names(const Params& headers) {
  std::string out;
  for (const auto& entry : canonical_headers(headers)) {
    if (!out.empty()) out += ';';
    out += entry.first;
  }
  return out;
}

std::string canonical_request(const Request& req, const std::string& payload_hash) {
  std::string headers;
  for (const auto& [name, value] : canonical_headers(req.headers)) {
    headers += name + ":" + value + "\n";
  }
  return req.method + "\n" + uri_encode(req.path, true) + "\n" + canonical_query(req.query) + "\n" +
         headers + "\n" + signed_header_names(req.headers) + "\n" + payload_hash;
}

std::string string_to_sign(TimePoint t, const Scope& scope, const std::string& canonical) {
  return std::string(kAlgorithm) + "\n" + amz_date(t) + "\n" + credential_scope(t, scope) + "\n" +
         sha256_hex(canonical);
}

std::string signing_key(const std::string& secret, TimePoint t, const Scope& scope) {
  std::string k = hmac_sha256("AWS4" + secret, date_stamp(t));
  k = hmac_sha256(k, scope.region);
  k = hmac_sha256(k, scope.service);
  return hmac_sha256(k, "aws4_request");
}

Request sign_headers(Request req, const Credentials& creds, const Scope& scope, TimePoint t) {
  req.headers.emplace_back("X-Amz-Date", amz_date(t));
  if (!creds.session_token.empty()) {
    req.headers.emplace_back("X-Amz-Security-Token", creds.session_token);
  }
  std::string canonical = canonical_request(req, sha256_hex(req.body));
  std::string signature = hex(hmac_sha256(signing_key(creds.secret_access_key, t, scope),
                                          string_to_sign(t, scope, canonical)));
  req.headers.emplace_back("Authorization",
                           std::string(kAlgorithm) + " Credential=" + creds.access_key_id + "/" +
                               credential_scope(t, scope) + ", SignedHeaders=" +
                               signed_header_names(req.headers) + ", Signature=" + signature);
  return req;
}

std::string presign_query(const Request& req, const Credentials& creds, const Scope& scope,
                          TimePoint t, int expires_seconds) {
  Params auth = {
      {"X-Amz-Algorithm", kAlgorithm},
      {"X-Amz-Credential", creds.access_key_id + "/" + credential_scope(t, scope)},
      {"X-Amz-Date", amz_date(t)},
      {"X-Amz-Expires", std::to_string(expires_seconds)},
      {"X-Amz-SignedHeaders", signed_header_names(req.headers)},
  };
  if (!creds.session_token.empty()) auth.emplace_back("X-Amz-Security-Token", creds.session_token);

  Request signing = req;
  signing.query.insert(signing.query.end(), auth.begin(), auth.end());
  std::string signature =
      hex(hmac_sha256(signing_key(creds.secret_access_key, t, scope),
                      string_to_sign(t, scope, canonical_request(signing, sha256_hex(req.body)))));

  std::string out;
  for (const auto& [k, v] : signing.query) {
    if (!out.empty()) out += '&';
    out += uri_encode(k) + "=" + uri_encode(v);
  }
  return out + "&X-Amz-Signature=" + signature;
}

}  // namespace tide::aws::sigv4
