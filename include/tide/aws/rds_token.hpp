// RDS / Aurora IAM authentication tokens: the interface the database layer uses.
// Credentials come from the AWS SDKs' default provider chain (see docs/iam.md);
// a fresh token is signed for every new connection.
#pragma once

#include <memory>
#include <string>

#include "tide/aws/credentials.hpp"

namespace tide::aws {

// What a token is for, from the environment's config (`auth: iam`).
struct IamTarget {
  std::string host;
  int port = 5432;
  std::string user;
  std::string region;    // empty: AWS_REGION, AWS_DEFAULT_REGION, then parsed from the host
  std::string role_arn;  // optional: assume this role on top of the chain's credentials
  std::string profile;   // optional: AWS profile name (else AWS_PROFILE, else "default")
};

// Returns the region of an `*.REGION.rds.amazonaws.com` host name, or "" when it is not one.
std::string region_from_rds_host(const std::string& host);

// The region a token is signed for: target.region, else AWS_REGION, else AWS_DEFAULT_REGION,
// else parsed from the host. Throws tide::Error (kUsage) saying how to set it.
std::string resolve_region(const IamTarget& target);

// The token itself, from given credentials and time: what botocore's
// generate_db_auth_token(host, port, user, region) returns. Pure; used by RdsTokenProvider.
std::string rds_auth_token(const std::string& host, int port, const std::string& user,
                           const std::string& region, const Credentials& creds, TimePoint now);

// Signs RDS auth tokens for one target. Resolves and caches credentials on first use and
// refreshes temporary credentials ahead of their expiry, so it can live as long as a run.
// Throws tide::Error (ExitCode::kUsage) naming the providers tried when none yields credentials.
class RdsTokenProvider {
 public:
  explicit RdsTokenProvider(IamTarget target);
  RdsTokenProvider(IamTarget target, AwsOptions options);  // tests: clock and timeouts
  ~RdsTokenProvider();
  RdsTokenProvider(const RdsTokenProvider&) = delete;
  RdsTokenProvider& operator=(const RdsTokenProvider&) = delete;

  // A token valid for 900 s from now. Never log it.
  std::string token();

  const IamTarget& target() const;

  // Where the current credentials came from, e.g. "role arn:... (web identity)"; "" before
  // the first token(). Not secret: for `-v` logs and `tide token --verbose`.
  std::string credentials_source() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace tide::aws
