// ECS container credentials, EC2 IMDSv2 and credential_process (see metadata_credentials.hpp).
#include "aws/metadata_credentials.hpp"

#include <sys/wait.h>

#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "aws/http.hpp"
#include "aws/provider.hpp"
#include "aws/text.hpp"

namespace tide::aws {
namespace {

HttpResponse send_with_retries(HttpRequest req, const AwsOptions& opts) {
  req.timeouts = opts.metadata;
  req.bypass_proxy = true;
  for (int attempt = 1;; ++attempt) {
    try {
      HttpResponse r = http_send(req);
      if (r.status >= 500 && attempt < opts.metadata_attempts) continue;
      return r;
    } catch (const HttpError&) {
      if (attempt >= opts.metadata_attempts) throw;
    }
  }
}

// A full container URI must be https, or http to loopback / the ECS and EKS agent addresses.
bool allowed_container_url(const std::string& url) {
  if (url.rfind("https://", 0) == 0) return true;
  if (url.rfind("http://", 0) != 0) return false;
  std::string host = url_host(url);
  return host == "localhost" || host.rfind("127.", 0) == 0 || host == "[::1]" ||
         host == "169.254.170.2" || host == "169.254.170.23" || host == "[fd00:ec2::23]";
}

}  // namespace

std::optional<Credentials> container_credentials(const AwsOptions& opts, std::string& why) {
  std::string relative = env("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI");
  std::string full = env("AWS_CONTAINER_CREDENTIALS_FULL_URI");
  std::string url;
  if (!relative.empty()) {
    url = "http://169.254.170.2" + relative;  // relative wins, as in botocore
  } else if (!full.empty()) {
    if (!allowed_container_url(full)) {
      throw CredentialError(
          "container credentials: AWS_CONTAINER_CREDENTIALS_FULL_URI must be https, or http to "
          "a loopback or ECS/EKS agent address (host " +
          url_host(full) + ")");
    }
    url = full;
  } else {
    why = "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI and _FULL_URI not set";
    return std::nullopt;
  }

  HttpRequest req;
  req.url = url;
  req.headers = {{"Accept", "application/json"}};
  std::string auth;
  if (std::string file = env("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE"); !file.empty()) {
    std::ifstream in(file);
    if (!in) throw CredentialError("container credentials: cannot read " + file);
    std::ostringstream s;
    s << in.rdbuf();
    auth = trim(s.str());
  } else {
    auth = env("AWS_CONTAINER_AUTHORIZATION_TOKEN");
  }
  if (auth.find_first_of("\r\n") != std::string::npos) {
    throw CredentialError("container credentials: authorization token contains a line break");
  }
  if (!auth.empty()) req.headers.emplace_back("Authorization", auth);

  const std::string what = "container credentials from " + url_host(url);
  HttpResponse r;
  try {
    r = send_with_retries(req, opts);
  } catch (const HttpError& e) {
    throw CredentialError(what + ": " + e.what());
  }
  if (r.status != 200) {
    throw CredentialError(what + ": HTTP " + std::to_string(r.status));
  }
  Credentials c = credentials_from_json(r.body, what);
  c.source = "container credentials (" + url_host(url) + ")";
  return c;
}

std::optional<Credentials> instance_credentials(const AwsOptions& opts, std::string& why) {
  std::string disabled = lower(env("AWS_EC2_METADATA_DISABLED"));
  if (disabled == "true") {
    why = "disabled by AWS_EC2_METADATA_DISABLED";
    return std::nullopt;
  }
  std::string base = env("AWS_EC2_METADATA_SERVICE_ENDPOINT");
  if (base.empty()) {
    base = lower(env("AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE")) == "ipv6"
               ? "http://[fd00:ec2::254]"
               : "http://169.254.169.254";
  }
  while (!base.empty() && base.back() == '/') base.pop_back();
  const std::string where = "instance metadata at " + url_host(base);

  try {
    HttpRequest put;
    put.method = "PUT";
    put.url = base + "/latest/api/token";
    put.headers = {{"X-aws-ec2-metadata-token-ttl-seconds", "21600"}};
    HttpResponse t = send_with_retries(put, opts);
    std::string token;
    if (t.status == 200) {
      token = trim(t.body);
    } else if (t.status != 403 && t.status != 404 && t.status != 405) {
      why = where + ": token request answered HTTP " + std::to_string(t.status);
      return std::nullopt;
    }  // 403/404/405: IMDSv1 only, continue without a token like botocore

    HttpRequest get;
    get.url = base + "/latest/meta-data/iam/security-credentials/";
    if (!token.empty()) get.headers = {{"X-aws-ec2-metadata-token", token}};
    HttpResponse roles = send_with_retries(get, opts);
    std::string role = trim(roles.body.substr(0, roles.body.find('\n')));
    if (roles.status == 404 || (roles.status == 200 && role.empty())) {
      why = where + ": no IAM role attached to this instance";
      return std::nullopt;
    }
    if (roles.status != 200) {
      why = where + ": role lookup answered HTTP " + std::to_string(roles.status);
      return std::nullopt;
    }
    get.url += role;
    HttpResponse creds = send_with_retries(get, opts);
    if (creds.status != 200) {
      why = where + ": credentials for role " + role + " answered HTTP " +
            std::to_string(creds.status);
      return std::nullopt;
    }
    auto doc = nlohmann::json::parse(creds.body, nullptr, false);
    if (doc.is_object() && doc.contains("Code") && doc["Code"] != "Success") {
      why = where + ": credentials for role " + role + " not available (Code " +
            doc["Code"].dump() + ")";
      return std::nullopt;
    }
    Credentials c = credentials_from_json(creds.body, where);
    c.source = "EC2 instance role " + role;
    return c;
  } catch (const HttpError& e) {
    why = where + ": " + e.what();
  } catch (const CredentialError& e) {
    why = e.what();
  }
  return std::nullopt;
}

Credentials process_credentials(const std::string& command, const std::string& profile) {
  const std::string what = "credential_process of profile " + profile;
  std::fflush(nullptr);
  FILE* pipe = ::popen(command.c_str(), "r");
  if (!pipe) throw CredentialError(what + ": cannot start it");
  std::string out;
  char buf[4096];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, pipe)) > 0 && out.size() < (1 << 20)) {
    out.append(buf, n);
  }
  int status = ::pclose(pipe);
  if (status == -1 || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    std::string how = status != -1 && WIFEXITED(status)
                          ? "exited with status " + std::to_string(WEXITSTATUS(status))
                          : "did not exit normally";
    throw CredentialError(what + " " + how);
  }
  auto doc = nlohmann::json::parse(out, nullptr, false);
  if (!doc.is_object()) throw CredentialError(what + ": output is not a JSON object");
  if (!doc.contains("Version") || doc["Version"] != 1) {
    throw CredentialError(what + ": output must have \"Version\": 1");
  }
  JsonCredentialNames names;
  names.token = "SessionToken";
  Credentials c = credentials_from_json(out, what, names);
  c.source = "credential_process (profile " + profile + ")";
  return c;
}

}  // namespace tide::aws
