// RDS / Aurora IAM authentication tokens: the interface the database layer uses.
// Credentials come from the AWS SDKs' default provider chain (see docs/iam.md);
// a fresh token is signed for every new connection.
#pragma once

#include <memory>
#include <string>

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

// Signs RDS auth tokens for one target. Resolves and caches credentials on first use and
// refreshes temporary credentials ahead of their expiry, so it can live as long as a run.
// Throws tide::Error (ExitCode::kUsage) naming the providers tried when none yields credentials.
class RdsTokenProvider {
 public:
  explicit RdsTokenProvider(IamTarget target);
  ~RdsTokenProvider();
  RdsTokenProvider(const RdsTokenProvider&) = delete;
  RdsTokenProvider& operator=(const RdsTokenProvider&) = delete;

  // A token valid for 900 s from now. Never log it.
  std::string token();

  const IamTarget& target() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace tide::aws
