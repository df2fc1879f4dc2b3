// credential_process: an external command that prints credentials as JSON (Version 1), run with
// a time limit.
#pragma once

#include <string>

#include "tide/aws/credentials.hpp"

namespace tide::aws {

// Runs `command` through /bin/sh and reads the credential_process JSON (Version 1) it prints.
// stdin and stderr are left alone so interactive helpers can prompt. A command still running
// after opts.process_timeout (or TIDE_CREDENTIAL_PROCESS_TIMEOUT, a duration such as "90s") is
// killed. Throws CredentialError naming `profile`, never quoting the output.
Credentials process_credentials(const std::string& command, const std::string& profile,
                                const AwsOptions& opts);

}  // namespace tide::aws
