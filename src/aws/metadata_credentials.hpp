// Credentials from the compute the process runs on: the ECS/EKS container credentials endpoint
// and the EC2 instance metadata service (IMDSv2), plus an external credential_process.
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

// Runs `command` through /bin/sh and reads the credential_process JSON (Version 1) it prints.
// stderr is left alone so interactive helpers can prompt. Throws CredentialError naming
// `profile`, never quoting the output.
Credentials process_credentials(const std::string& command, const std::string& profile);

}  // namespace tide::aws
