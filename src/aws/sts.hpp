// STS AssumeRole and AssumeRoleWithWebIdentity over the Query API (form POST, XML answer).
#pragma once

#include <string>

#include "tide/aws/credentials.hpp"

namespace tide::aws {

struct RoleRequest {
  std::string role_arn;
  std::string session_name;  // empty: "tide-<unix time>"
  std::string external_id;   // AssumeRole only
  int duration_seconds = 0;  // 0: STS default (1 h)
};

// https://sts.REGION.amazonaws.com unless AWS_ENDPOINT_URL_STS or AWS_ENDPOINT_URL is set.
std::string sts_endpoint(const std::string& region);

// Signs with `source` (SigV4, service "sts"). Throws CredentialError on any failure.
Credentials assume_role(const Credentials& source, const RoleRequest& role,
                        const std::string& region, const AwsOptions& opts);

// Unsigned call: the web identity token is the proof. Throws CredentialError.
Credentials assume_role_with_web_identity(const std::string& web_identity_token,
                                          const RoleRequest& role, const std::string& region,
                                          const AwsOptions& opts);

// Parses an STS answer. Exposed for tests. Throws CredentialError with STS's
// <Error><Code>/<Message> for error documents and a short reason for anything malformed.
Credentials parse_sts_response(long http_status, const std::string& body,
                               const std::string& action);

// Makes a string usable as RoleSessionName ([\w+=,.@-], 2..64 characters).
std::string sanitize_session_name(const std::string& name);

}  // namespace tide::aws
