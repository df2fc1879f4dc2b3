// ECS/EKS container credentials and EC2 IMDSv2 (see metadata_credentials.hpp). Transient
// failures (no answer, HTTP 5xx or 429) are retried with backoff (retry.hpp); botocore retries
// the container endpoint 3 times, and so does tide, for IMDS too once it has answered at all.
#include "aws/metadata_credentials.hpp"

#include <arpa/inet.h>
#include <curl/curl.h>

#include <memory>
#include <nlohmann/json.hpp>

#include "aws/http.hpp"
#include "aws/provider.hpp"
#include "aws/retry.hpp"
#include "aws/text.hpp"
#include "tide/util/file.hpp"

namespace tide::aws {
namespace {

bool transient_status(long status) {
  return status == 429 || status >= 500;
}

// One request with retries. `retry_unreachable`: whether a transport failure (no connection,
// timeout) is worth another try -- for ECS yes (botocore retries it); for IMDS no, since an
// unreachable IMDS means "not on EC2" and must cost a laptop one timeout, not three.
HttpResponse send_with_retries(HttpRequest req, const AwsOptions& opts, const std::string& what,
                               bool retry_unreachable) {
  req.bypass_proxy = true;
  return with_retries<HttpResponse>(
      opts.metadata_retry, opts, what, [&](std::chrono::milliseconds left) {
        req.timeouts = opts.metadata;
        req.timeouts.total =
            std::max(std::chrono::milliseconds(1), std::min(req.timeouts.total, left));
        req.timeouts.connect = std::min(req.timeouts.connect, req.timeouts.total);
        try {
          HttpResponse r = http_send(req);
          if (transient_status(r.status)) {
            return Attempt<HttpResponse>::retryable("HTTP " + std::to_string(r.status));
          }
          return Attempt<HttpResponse>::done(std::move(r));
        } catch (const HttpError& e) {
          return retry_unreachable ? Attempt<HttpResponse>::retryable(e.what())
                                   : Attempt<HttpResponse>::fatal(e.what());
        }
      });
}

// The URL's host as botocore's urlparse().hostname sees it: lower-case, IPv6 without brackets.
std::string parsed_host(const std::string& url, std::string& scheme) {
  std::unique_ptr<CURLU, decltype(&curl_url_cleanup)> u(curl_url(), curl_url_cleanup);
  if (!u || curl_url_set(u.get(), CURLUPART_URL, url.c_str(), 0) != CURLUE_OK) return "";
  char* part = nullptr;
  if (curl_url_get(u.get(), CURLUPART_SCHEME, &part, 0) != CURLUE_OK) return "";
  scheme = lower(part);
  curl_free(part);
  if (curl_url_get(u.get(), CURLUPART_HOST, &part, 0) != CURLUE_OK) return "";
  std::string host = lower(part);
  curl_free(part);
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  return host;
}

bool loopback_literal(const std::string& host) {
  unsigned char addr[16];
  if (inet_pton(AF_INET, host.c_str(), addr) == 1) return addr[0] == 127;
  if (inet_pton(AF_INET6, host.c_str(), addr) == 1) {
    static const unsigned char kLoopback[16] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
    return std::equal(addr, addr + 16, kLoopback);
  }
  return false;
}

}  // namespace

bool container_url_allowed(const std::string& url) {
  std::string scheme;
  std::string host = parsed_host(url, scheme);
  if (host.empty()) return false;
  if (scheme == "https") return true;
  if (scheme != "http") return false;
  return loopback_literal(host) || host == "localhost" || host == "169.254.170.2" ||
         host == "169.254.170.23" || host == "fd00:ec2::23";
}

std::optional<Credentials> container_credentials(const AwsOptions& opts, std::string& why) {
  std::string relative = env("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI");
  std::string full = env("AWS_CONTAINER_CREDENTIALS_FULL_URI");
  std::string url;
  if (!relative.empty()) {
    url = "http://169.254.170.2" + relative;  // relative wins, as in botocore
  } else if (!full.empty()) {
    if (!container_url_allowed(full)) {
      std::string scheme;
      std::string host = parsed_host(full, scheme);
      throw CredentialError(
          "container credentials: AWS_CONTAINER_CREDENTIALS_FULL_URI must be https, or http to "
          "a loopback address, localhost or the ECS/EKS agent (host " +
          (host.empty() ? "'" + url_host(full) + "'" : host) + "); no request was sent");
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
    const util::FileText text = util::read_file(file);
    if (!text) throw CredentialError("container credentials: cannot read " + file);
    auth = trim(*text.content);
  } else {
    auth = env("AWS_CONTAINER_AUTHORIZATION_TOKEN");
  }
  if (auth.find_first_of("\r\n") != std::string::npos) {
    throw CredentialError("container credentials: authorization token contains a line break");
  }
  if (!auth.empty()) req.headers.emplace_back("Authorization", auth);

  const std::string what = "container credentials from " + url_host(url);
  HttpResponse r = send_with_retries(req, opts, what, true);
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
  const bool v1_disabled = lower(env("AWS_EC2_METADATA_V1_DISABLED")) == "true";
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
    HttpResponse t = send_with_retries(put, opts, where, false);
    std::string token;
    if (t.status == 200) {
      token = trim(t.body);
    } else if (t.status != 403 && t.status != 404 && t.status != 405) {
      why = where + ": token request answered HTTP " + std::to_string(t.status);
      return std::nullopt;
    } else if (v1_disabled) {  // 403/404/405: IMDSv1 only
      why = where + ": no IMDSv2 token (HTTP " + std::to_string(t.status) +
            ") and the IMDSv1 fallback is disabled by AWS_EC2_METADATA_V1_DISABLED";
      return std::nullopt;
    }  // else continue without a token like botocore

    HttpRequest get;
    get.url = base + "/latest/meta-data/iam/security-credentials/";
    if (!token.empty()) get.headers = {{"X-aws-ec2-metadata-token", token}};
    HttpResponse roles = send_with_retries(get, opts, where, false);
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
    HttpResponse creds = send_with_retries(get, opts, where, false);
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
  } catch (const CredentialError& e) {
    why = e.what();
  }
  return std::nullopt;
}

}  // namespace tide::aws
