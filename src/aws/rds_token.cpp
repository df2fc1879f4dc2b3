// RDS IAM auth tokens: region resolution, the presigned token, and the provider that caches
// credentials across a run and refreshes temporary ones before they expire.
#include "tide/aws/rds_token.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cctype>
#include <mutex>
#include <optional>

#include "aws/credential_chain.hpp"
#include "aws/provider.hpp"
#include "aws/shared_config.hpp"
#include "aws/sts.hpp"
#include "aws/text.hpp"
#include "tide/aws/sigv4.hpp"
#include "tide/error.hpp"

namespace tide::aws {
namespace {

bool looks_like_region(const std::string& r) {
  // e.g. us-east-1, eu-central-2, us-gov-west-1, ap-southeast-3
  if (r.size() < 9 || !std::isdigit(static_cast<unsigned char>(r.back()))) return false;
  return std::all_of(
             r.begin(), r.end(),
             [](unsigned char c) { return std::islower(c) || std::isdigit(c) || c == '-'; }) &&
         r.find('-') != std::string::npos;
}

bool expired(const Credentials& c, TimePoint now) {
  return c.expiration && *c.expiration <= now;
}

}  // namespace

std::string region_from_rds_host(const std::string& host) {
  std::string h = host;
  std::transform(h.begin(), h.end(), h.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (!h.empty() && h.back() == '.') h.pop_back();
  for (const std::string suffix : {".rds.amazonaws.com", ".rds.amazonaws.com.cn"}) {
    if (h.size() <= suffix.size() ||
        h.compare(h.size() - suffix.size(), suffix.size(), suffix) != 0) {
      continue;
    }
    std::string rest = h.substr(0, h.size() - suffix.size());
    std::string region = rest.substr(rest.rfind('.') + 1);  // whole rest when no '.'
    if (rest.find('.') != std::string::npos && looks_like_region(region)) return region;
  }
  return "";
}

std::string resolve_region(const IamTarget& target) {
  if (!target.region.empty()) return target.region;
  if (std::string r = env("AWS_REGION"); !r.empty()) return r;
  if (std::string r = env("AWS_DEFAULT_REGION"); !r.empty()) return r;
  try {
    SharedConfig cfg = SharedConfig::load();
    if (std::string r = ini_get(cfg.merged(selected_profile(target.profile)), "region");
        !r.empty()) {
      return r;
    }
  } catch (const CredentialError& e) {
    throw usage_error(std::string("cannot read the AWS region: ") + e.what());
  }
  if (std::string r = region_from_rds_host(target.host); !r.empty()) return r;
  throw usage_error("cannot tell the AWS region for IAM authentication to host '" + target.host +
                    "': set `region:` in the environment's config, AWS_REGION, or `region` in "
                    "the AWS profile (the host is not an *.REGION.rds.amazonaws.com name)");
}

std::string rds_auth_token(const std::string& host, int port, const std::string& user,
                           const std::string& region, const Credentials& creds, TimePoint now) {
  sigv4::Request req;
  req.method = "GET";
  req.path = "/";
  req.query = {{"Action", "connect"}, {"DBUser", user}};
  // The signed Host is what botocore derives from https://HOST:PORT: lower-cased, and without
  // the scheme's default port. The token itself keeps the host as given.
  std::string signed_host = lower(host);
  if (port != 443) signed_host += ":" + std::to_string(port);
  req.headers = {{"host", signed_host}};
  return host + ":" + std::to_string(port) + "/?" +
         sigv4::presign_query(req, creds, {region, "rds-db"}, now, 900);
}

struct RdsTokenProvider::Impl {
  IamTarget target;
  AwsOptions opts;
  std::string region;
  std::optional<Credentials> creds;
  std::mutex mutex;

  Credentials fetch() {
    if (target.role_arn.empty()) return CredentialChain(target.profile, region, opts).resolve();

    std::vector<std::string> secrets;
    std::string oidc = env("CIRCLE_OIDC_TOKEN_V2");
    if (oidc.empty()) oidc = env("CIRCLE_OIDC_TOKEN");
    try {
      if (!oidc.empty()) {  // CircleCI: the job's OIDC token is the web identity
        secrets.push_back(oidc);
        std::string build = env("CIRCLE_BUILD_NUM");
        RoleRequest role{target.role_arn, build.empty() ? "" : "tide-circleci-" + build, "", 0};
        Credentials c = assume_role_with_web_identity(oidc, role, region, opts);
        c.source = "role " + target.role_arn + " (CircleCI OIDC web identity)";
        return c;
      }
      Credentials base = CredentialChain(target.profile, region, opts).resolve();
      secrets = {base.secret_access_key, base.session_token};
      return assume_role(base, RoleRequest{target.role_arn, "", "", 0}, region, opts);
    } catch (const CredentialError& e) {
      throw usage_error(redact(
          std::string("cannot assume role_arn ") + target.role_arn + ": " + e.what(), secrets));
    }
  }
};

RdsTokenProvider::RdsTokenProvider(IamTarget target) : RdsTokenProvider(std::move(target), {}) {}

RdsTokenProvider::RdsTokenProvider(IamTarget target, AwsOptions options)
    : impl_(std::make_unique<Impl>()) {
  if (target.host.empty()) throw usage_error("IAM authentication needs a `host:`");
  if (target.user.empty()) throw usage_error("IAM authentication needs a `user:`");
  if (target.port < 1 || target.port > 65535) {
    throw usage_error("IAM authentication: port " + std::to_string(target.port) +
                      " is not between 1 and 65535");
  }
  impl_->region = resolve_region(target);
  impl_->target = std::move(target);
  impl_->opts = std::move(options);
}

RdsTokenProvider::~RdsTokenProvider() = default;

std::string RdsTokenProvider::token() {
  std::lock_guard<std::mutex> lock(impl_->mutex);
  TimePoint now = impl_->opts.clock();
  if (!impl_->creds || expires_within(*impl_->creds, now, kRefreshWindow)) {
    if (impl_->creds) spdlog::debug("aws: credentials expire soon, refreshing");
    impl_->creds = impl_->fetch();
    if (expired(*impl_->creds, now)) {  // botocore refreshes once, then refuses
      spdlog::debug("aws: credentials from {} expired at {}; fetching them again",
                    impl_->creds->source, format_iso8601(*impl_->creds->expiration));
      impl_->creds = impl_->fetch();
      if (expired(*impl_->creds, now)) {
        Credentials stale = *impl_->creds;
        impl_->creds.reset();
        throw usage_error("AWS credentials from " + stale.source + " expired at " +
                          format_iso8601(*stale.expiration) +
                          " and are still expired after a refresh: no IAM token is signed with "
                          "them. Renew them at their source (docs/iam.md, troubleshooting)");
      }
    }
    if (!impl_->target.role_arn.empty()) {  // the chain logs its own; this is the role on top
      spdlog::debug("aws: credentials from {}{}", impl_->creds->source,
                    impl_->creds->expiration
                        ? ", expiring " + format_iso8601(*impl_->creds->expiration)
                        : "");
    }
    if (expires_within(*impl_->creds, now, kRefreshWindow)) {
      spdlog::warn(
          "aws: credentials from {} expire at {}, less than 15 minutes from now; "
          "connections made after that will be refused",
          impl_->creds->source, format_iso8601(*impl_->creds->expiration));
    }
  }
  const IamTarget& t = impl_->target;
  return rds_auth_token(t.host, t.port, t.user, impl_->region, *impl_->creds, now);
}

const IamTarget& RdsTokenProvider::target() const {
  return impl_->target;
}

std::string RdsTokenProvider::credentials_source() const {
  std::lock_guard<std::mutex> lock(impl_->mutex);
  return impl_->creds ? impl_->creds->source : "";
}

}  // namespace tide::aws
