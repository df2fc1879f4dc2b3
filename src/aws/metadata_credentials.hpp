// Credentials from the compute the process runs on: the ECS/EKS container credentials endpoint
// and the EC2 instance metadata service (IMDSv2).
#pragma once

#include <optional>
#include <string>

#include "tide/aws/credentials.hpp"

namespace tide::aws {

// nullopt with `why` filled when not configured; throws CredentialError when configured and
// failing (botocore does the same for containers).
std::optional<Credentials> container_credentials(const AwsOptions& opts, std::string& why);

// nullopt with `why` filled when disabled, unreachable or without a role (botocore treats
// IMDS failures as "no credentials here" too).
std::optional<Credentials> instance_credentials(const AwsOptions& opts, std::string& why);

// True when AWS_CONTAINER_CREDENTIALS_FULL_URI may be fetched: https anywhere; plain http only
// to a loopback IP literal, `localhost`, or the ECS (169.254.170.2) and EKS Pod Identity
// (169.254.170.23, fd00:ec2::23) agents -- botocore's list.
bool container_url_allowed(const std::string& url);

}  // namespace tide::aws
