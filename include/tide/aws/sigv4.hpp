// AWS Signature Version 4: canonical request, string to sign, signing key, and the two
// ways to attach a signature (Authorization header, or presigned query string).
// Self-contained: needs only OpenSSL; knows nothing of where credentials come from.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "tide/aws/credentials.hpp"

namespace tide::aws::sigv4 {

using Params = std::vector<std::pair<std::string, std::string>>;

// A request as it will be sent. `path` is as on the wire (already percent-encoded);
// `query` holds raw (unencoded) names and values; `headers` must include "host".
struct Request {
  std::string method = "GET";
  std::string path = "/";
  Params query;
  Params headers;
  std::string body;
};

struct Scope {
  std::string region;
  std::string service;
};

std::string sha256_hex(std::string_view data);
std::string hmac_sha256(std::string_view key, std::string_view data);  // raw 32 bytes
std::string hex(std::string_view bytes);  // util::hex

// RFC 3986 percent-encoding as SigV4 wants it: unreserved characters stay, all else %XX.
std::string uri_encode(std::string_view s, bool keep_slash = false);

std::string amz_date(TimePoint t);    // 20150830T123600Z
std::string date_stamp(TimePoint t);  // 20150830
std::string credential_scope(TimePoint t, const Scope& scope);

std::string canonical_query(const Params& query);
std::string signed_header_names(const Params& headers);
std::string canonical_request(const Request& req, const std::string& payload_hash);
std::string string_to_sign(TimePoint t, const Scope& scope, const std::string& canonical);
std::string signing_key(const std::string& secret, TimePoint t, const Scope& scope);

// Header signing: returns `req` with X-Amz-Date, X-Amz-Security-Token (when the credentials
// have one) and Authorization headers added.
Request sign_headers(Request req, const Credentials& creds, const Scope& scope, TimePoint t);

// Query-string presigning: returns the full query string (without '?'), in the order botocore
// writes it: the request's own parameters, then X-Amz-Algorithm, -Credential, -Date,
// -Expires, -SignedHeaders, -Security-Token (when present), and last X-Amz-Signature.
std::string presign_query(const Request& req, const Credentials& creds, const Scope& scope,
                          TimePoint t, int expires_seconds);

}  // namespace tide::aws::sigv4
