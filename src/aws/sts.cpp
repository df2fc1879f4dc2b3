// STS client: builds the form request, signs it when needed, and pulls the few elements tide
// needs out of the XML answer. The answer is small and flat, so a careful search for named
// elements is enough; anything unexpected is reported as malformed, never echoed.
#include "aws/sts.hpp"

#include <algorithm>
#include <cctype>
#include <optional>

#include "aws/http.hpp"
#include "aws/provider.hpp"
#include "aws/retry.hpp"
#include "aws/text.hpp"
#include "tide/aws/sigv4.hpp"

namespace tide::aws {
namespace {

// Text of the first <name>…</name> inside [from, to) of `xml`, entity-decoded. The element may
// carry attributes; namespace prefixes are not used by STS.
std::optional<std::string> element(const std::string& xml, const std::string& name, size_t from = 0,
                                   size_t to = std::string::npos) {
  if (to == std::string::npos) to = xml.size();
  std::string open = "<" + name;
  size_t pos = from;
  while ((pos = xml.find(open, pos)) != std::string::npos && pos < to) {
    size_t after = pos + open.size();
    if (after < xml.size() &&
        (xml[after] == '>' || std::isspace(static_cast<unsigned char>(xml[after])))) {
      size_t start = xml.find('>', after);
      if (start == std::string::npos || start >= to) return std::nullopt;
      if (xml[start - 1] == '/') return std::string();  // <name/>
      size_t end = xml.find("</" + name + ">", start);
      if (end == std::string::npos || end > to) return std::nullopt;
      std::string raw = xml.substr(start + 1, end - start - 1);
      std::string out;
      for (size_t i = 0; i < raw.size(); ++i) {
        if (raw[i] != '&') {
          out += raw[i];
          continue;
        }
        size_t semi = raw.find(';', i);
        if (semi == std::string::npos) return std::nullopt;
        std::string ent = raw.substr(i + 1, semi - i - 1);
        if (ent == "amp")
          out += '&';
        else if (ent == "lt")
          out += '<';
        else if (ent == "gt")
          out += '>';
        else if (ent == "quot")
          out += '"';
        else if (ent == "apos")
          out += '\'';
        else if (ent.size() > 1 && ent[0] == '#') {
          long code = ent[1] == 'x' ? std::strtol(ent.c_str() + 2, nullptr, 16)
                                    : std::strtol(ent.c_str() + 1, nullptr, 10);
          if (code <= 0 || code > 127) return std::nullopt;  // ASCII is all STS sends here
          out += static_cast<char>(code);
        } else {
          return std::nullopt;
        }
        i = semi;
      }
      return out;
    }
    pos = after;
  }
  return std::nullopt;
}

// Whether an STS answer is worth another try, by botocore's standard retry rules: HTTP
// 500/502/503/504, a throttling code, a transient code, or STS's modelled retryable error.
bool sts_transient(long status, const std::string& body) {
  if (status == 500 || status == 502 || status == 503 || status == 504) return true;
  auto err = body.find("<Error>");
  if (err == std::string::npos) return false;
  std::string code = trim(element(body, "Code", err).value_or(""));
  static const char* const kRetryable[] = {"Throttling",
                                           "ThrottlingException",
                                           "ThrottledException",
                                           "RequestThrottledException",
                                           "TooManyRequestsException",
                                           "ProvisionedThroughputExceededException",
                                           "TransactionInProgressException",
                                           "RequestLimitExceeded",
                                           "BandwidthLimitExceeded",
                                           "LimitExceededException",
                                           "RequestThrottled",
                                           "SlowDown",
                                           "PriorRequestNotComplete",
                                           "EC2ThrottledException",
                                           "RequestTimeout",
                                           "RequestTimeoutException",
                                           "IDPCommunicationError"};
  for (const char* c : kRetryable) {
    if (code == c) return true;
  }
  return false;
}

// "host[:port]" as it goes on the wire (default ports dropped, as curl does).
std::string authority(const std::string& url) {
  auto scheme_end = url.find("://");
  size_t start = scheme_end + 3;
  std::string a = url.substr(start, url.find('/', start) - start);
  if (auto at = a.rfind('@'); at != std::string::npos) a.erase(0, at + 1);
  std::string scheme = url.substr(0, scheme_end);
  auto strip = [&](const std::string& port) {
    if (a.size() > port.size() && a.compare(a.size() - port.size(), port.size(), port) == 0) {
      a.erase(a.size() - port.size());
    }
  };
  if (scheme == "https") strip(":443");
  if (scheme == "http") strip(":80");
  return a;
}

std::string form(const sigv4::Params& params) {
  std::string out;
  for (const auto& [k, v] : params) {
    if (!out.empty()) out += '&';
    out += sigv4::uri_encode(k) + "=" + sigv4::uri_encode(v);
  }
  return out;
}

sigv4::Params role_params(const char* action, const RoleRequest& role, const AwsOptions& opts) {
  std::string session = role.session_name;
  if (session.empty()) {
    auto secs = std::chrono::duration_cast<std::chrono::seconds>(opts.clock().time_since_epoch());
    session = "tide-" + std::to_string(secs.count());
  }
  sigv4::Params p = {{"Action", action},
                     {"Version", "2011-06-15"},
                     {"RoleArn", role.role_arn},
                     {"RoleSessionName", sanitize_session_name(session)}};
  if (!role.external_id.empty()) p.emplace_back("ExternalId", role.external_id);
  if (role.duration_seconds > 0) {
    p.emplace_back("DurationSeconds", std::to_string(role.duration_seconds));
  }
  return p;
}

Credentials call(const char* action, sigv4::Params params, const Credentials* signer,
                 const std::string& region, const AwsOptions& opts) {
  std::string url = sts_endpoint(region);
  if (url.find("://") == std::string::npos) {
    throw CredentialError("STS endpoint '" + url + "' is not a URL (check AWS_ENDPOINT_URL_STS)");
  }
  sigv4::Request sreq;
  sreq.method = "POST";
  auto path_start = url.find('/', url.find("://") + 3);
  sreq.path = path_start == std::string::npos ? "/" : url.substr(path_start);
  sreq.headers = {{"Host", authority(url)},
                  {"Content-Type", "application/x-www-form-urlencoded; charset=utf-8"}};
  sreq.body = form(params);
  const std::string prefix = std::string("STS ") + action;
  return with_retries<Credentials>(
      opts.sts_retry, opts, prefix, [&](std::chrono::milliseconds left) {
        HttpRequest req;
        req.method = "POST";
        req.url = url;
        // Signed again for every attempt, as botocore does: the signature carries the time.
        req.headers =
            signer ? sigv4::sign_headers(sreq, *signer, {region, "sts"}, opts.clock()).headers
                   : sreq.headers;
        req.body = sreq.body;
        req.timeouts = opts.sts;
        req.timeouts.total =
            std::max(std::chrono::milliseconds(1), std::min(req.timeouts.total, left));
        req.timeouts.connect = std::min(req.timeouts.connect, req.timeouts.total);
        HttpResponse resp;
        try {
          resp = http_send(req);
        } catch (const HttpError& e) {
          return Attempt<Credentials>::retryable(e.what());
        }
        try {
          return Attempt<Credentials>::done(parse_sts_response(resp.status, resp.body, action));
        } catch (const CredentialError& e) {
          std::string why = e.what();
          if (why.rfind(prefix + ": ", 0) == 0) why.erase(0, prefix.size() + 2);
          return sts_transient(resp.status, resp.body) ? Attempt<Credentials>::retryable(why)
                                                       : Attempt<Credentials>::fatal(why);
        }
      });
}

}  // namespace

std::string sts_endpoint(const std::string& region) {
  std::string url = env("AWS_ENDPOINT_URL_STS");
  if (url.empty()) url = env("AWS_ENDPOINT_URL");
  if (url.empty()) url = "https://sts." + region + ".amazonaws.com";
  while (url.size() > 8 && url.back() == '/') url.pop_back();
  return url;
}

std::string sanitize_session_name(const std::string& name) {
  std::string out;
  for (unsigned char c : name) {
    bool ok = std::isalnum(c) || c == '_' || c == '+' || c == '=' || c == ',' || c == '.' ||
              c == '@' || c == '-';
    out += ok ? static_cast<char>(c) : '-';
  }
  if (out.size() > 64) out.resize(64);
  while (out.size() < 2) out += '-';
  return out;
}

Credentials parse_sts_response(long http_status, const std::string& body,
                               const std::string& action) {
  std::string prefix = "STS " + action + ": ";
  if (auto err = body.find("<Error>"); err != std::string::npos) {
    std::string code = trim(element(body, "Code", err).value_or("(no code)"));
    std::string message = trim(element(body, "Message", err).value_or(""));
    throw CredentialError(prefix + code + (message.empty() ? "" : ": " + message) + " (HTTP " +
                          std::to_string(http_status) + ")");
  }
  if (http_status != 200) {
    throw CredentialError(prefix + "HTTP " + std::to_string(http_status) +
                          " without an STS error document");
  }
  size_t creds_at = body.find("<Credentials>");
  size_t creds_end = body.find("</Credentials>");
  if (creds_at == std::string::npos || creds_end == std::string::npos || creds_end < creds_at) {
    throw CredentialError(prefix + "malformed response (no <Credentials> element)");
  }
  Credentials c;
  auto field = [&](const char* name) {
    auto v = element(body, name, creds_at, creds_end + 14);
    if (!v || trim(*v).empty()) {
      throw CredentialError(prefix + "malformed response (missing or unreadable <" +
                            std::string(name) + ">)");
    }
    return trim(*v);
  };
  c.access_key_id = field("AccessKeyId");
  c.secret_access_key = field("SecretAccessKey");
  c.session_token = field("SessionToken");
  std::string expiration = field("Expiration");
  c.expiration = parse_iso8601(expiration);
  if (!c.expiration) {
    throw CredentialError(prefix + "malformed response (Expiration '" + expiration +
                          "' is not an ISO 8601 time)");
  }
  return c;
}

Credentials assume_role(const Credentials& source, const RoleRequest& role,
                        const std::string& region, const AwsOptions& opts) {
  Credentials c = call("AssumeRole", role_params("AssumeRole", role, opts), &source, region, opts);
  c.source = "role " + role.role_arn + " (assumed with " + source.source + ")";
  return c;
}

Credentials assume_role_with_web_identity(const std::string& web_identity_token,
                                          const RoleRequest& role, const std::string& region,
                                          const AwsOptions& opts) {
  auto params = role_params("AssumeRoleWithWebIdentity", role, opts);
  params.emplace_back("WebIdentityToken", web_identity_token);
  Credentials c = call("AssumeRoleWithWebIdentity", params, nullptr, region, opts);
  c.source = "role " + role.role_arn + " (web identity)";
  return c;
}

}  // namespace tide::aws
