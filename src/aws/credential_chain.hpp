// The default credential provider chain, in the AWS CLI's (botocore's) order:
//   1. environment variables            (skipped when a profile is named explicitly)
//   2. the profile's role_arn + source_profile / credential_source   (STS AssumeRole)
//   3. web identity: AWS_WEB_IDENTITY_TOKEN_FILE + AWS_ROLE_ARN, or the profile's
//      web_identity_token_file + role_arn   (STS AssumeRoleWithWebIdentity)
//   4. (IAM Identity Center / SSO profiles: reported with the credential_process recipe)
//   5. the credentials file's keys for the profile
//   6. the profile's credential_process
//   7. the config file's keys for the profile
//   8. ECS/EKS container credentials
//   9. EC2 instance metadata (IMDSv2)
// A provider that is not configured is skipped and noted; one that is configured but fails
// stops the chain, as in botocore.
#pragma once

#include <string>
#include <vector>

#include "tide/aws/credentials.hpp"

namespace tide::aws {

class SharedConfig;

class CredentialChain {
 public:
  // `profile`: explicit profile (config `aws_profile:`), or "" for AWS_DEFAULT_PROFILE,
  // AWS_PROFILE, then "default" (see selected_profile()).
  // `region`: used for STS calls.
  CredentialChain(std::string profile, std::string region, AwsOptions opts);

  // Resolves credentials. Throws tide::Error (kUsage) naming every provider tried and why it
  // gave nothing; messages never contain a secret.
  Credentials resolve();

  // The profile name in use.
  const std::string& profile() const { return profile_; }

 private:
  Credentials resolve_unredacted(std::vector<std::string>& tried);
  std::optional<Credentials> from_environment(std::vector<std::string>& tried);
  std::optional<Credentials> from_web_identity(const SharedConfig& cfg, const std::string& name,
                                               bool use_env, std::vector<std::string>& tried);
  std::optional<Credentials> from_profile(const SharedConfig& cfg, const std::string& name,
                                          bool use_env, std::vector<std::string>& tried);
  Credentials assume_profile_role(const SharedConfig& cfg, const std::string& name,
                                  std::vector<std::string> visited);
  std::string redact(std::string text) const;

  std::string profile_;
  bool explicit_profile_;  // aws_profile: (like --profile): the env keys are not read
  bool named_profile_;     // explicit or from AWS_DEFAULT_PROFILE/AWS_PROFILE: must exist
  std::string region_;
  AwsOptions opts_;
  std::vector<std::string> secrets_;  // seen during resolution; scrubbed from messages
};

}  // namespace tide::aws
