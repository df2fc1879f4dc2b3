// The default credential provider chain (order and rules documented in credential_chain.hpp
// and docs/iam.md; they follow botocore's create_credential_resolver).
#include "aws/credential_chain.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "aws/credential_process.hpp"
#include "aws/metadata_credentials.hpp"
#include "aws/provider.hpp"
#include "aws/shared_config.hpp"
#include "aws/sts.hpp"
#include "tide/error.hpp"
#include "tide/util/file.hpp"

namespace tide::aws {
namespace {

std::string read_token_file(const std::string& path) {
  const util::FileText text = util::read_file(path);
  if (!text) throw CredentialError("web identity: cannot read token file " + path);
  std::string token = *text.content;
  while (!token.empty() && (token.back() == '\n' || token.back() == '\r')) token.pop_back();
  if (token.empty()) throw CredentialError("web identity: token file " + path + " is empty");
  return token;
}

std::optional<Credentials> static_keys(const IniSection* section, const std::string& what) {
  if (!section) return std::nullopt;
  std::string key = ini_get(*section, "aws_access_key_id");
  std::string secret = ini_get(*section, "aws_secret_access_key");
  if (key.empty() && secret.empty()) return std::nullopt;
  if (key.empty() || secret.empty()) {
    throw CredentialError(what + " has only one of aws_access_key_id and aws_secret_access_key");
  }
  // botocore reads aws_security_token first, then aws_session_token.
  Credentials c{key, secret, ini_get(*section, "aws_security_token"), std::nullopt, what};
  if (c.session_token.empty()) c.session_token = ini_get(*section, "aws_session_token");
  return c;
}

int parse_duration_seconds(const std::string& text, const std::string& profile) {
  if (text.empty()) return 0;
  try {
    size_t used = 0;
    int v = std::stoi(text, &used);
    if (used == text.size() && v > 0) return v;
  } catch (const std::exception&) {
  }
  throw CredentialError("profile " + profile + ": duration_seconds '" + text +
                        "' is not a positive number");
}

}  // namespace

CredentialChain::CredentialChain(std::string profile, std::string region, AwsOptions opts)
    : profile_(selected_profile(profile)),
      explicit_profile_(!profile.empty()),
      named_profile_(!profile.empty() || !env("AWS_DEFAULT_PROFILE").empty() ||
                     !env("AWS_PROFILE").empty()),
      region_(std::move(region)),
      opts_(std::move(opts)) {}

Credentials CredentialChain::resolve() {
  std::vector<std::string> tried;
  try {
    Credentials c = resolve_unredacted(tried);
    secrets_.push_back(c.secret_access_key);
    secrets_.push_back(c.session_token);
    spdlog::debug("aws: credentials from {}{}", c.source,
                  c.expiration ? ", expiring " + format_iso8601(*c.expiration) : "");
    return c;
  } catch (const CredentialError& e) {
    std::string msg = std::string("cannot get AWS credentials: ") + e.what();
    if (!tried.empty()) {
      msg += "\n(before that, tried:";
      for (const auto& t : tried) msg += "\n  - " + t;
      msg += ")";
    }
    throw usage_error(redact(msg));
  }
}

Credentials CredentialChain::resolve_unredacted(std::vector<std::string>& tried) {
  // As botocore: the files are read (and a parse error or a named profile that does not exist
  // stops everything) before any provider, the environment variables included.
  SharedConfig cfg = SharedConfig::load();
  if (named_profile_ && !cfg.has_profile(profile_)) {
    throw CredentialError("profile '" + profile_ + "' not found in " + cfg.config_path + " or " +
                          cfg.credentials_path + " (named by " +
                          (explicit_profile_                     ? "aws_profile"
                           : !env("AWS_DEFAULT_PROFILE").empty() ? "AWS_DEFAULT_PROFILE"
                                                                 : "AWS_PROFILE") +
                          ")");
  }
  if (explicit_profile_) {
    tried.push_back("environment variables: skipped, profile '" + profile_ +
                    "' is named explicitly (as with the AWS CLI's --profile)");
  } else if (auto c = from_environment(tried)) {
    return *c;
  }
  IniSection merged = cfg.merged(profile_);
  if (!ini_get(merged, "role_arn").empty() && ini_get(merged, "web_identity_token_file").empty()) {
    return assume_profile_role(cfg, profile_, {});
  }
  if (auto c = from_profile(cfg, profile_, !explicit_profile_, tried)) return *c;

  std::string why;
  if (auto c = container_credentials(opts_, why)) return *c;
  tried.push_back("container credentials: " + why);
  if (auto c = instance_credentials(opts_, why)) return *c;
  tried.push_back("EC2 instance metadata: " + why);

  std::string msg = "no AWS credentials found. Tried, in order:";
  for (const auto& t : tried) msg += "\n  - " + t;
  msg +=
      "\nSet AWS_PROFILE or `aws_profile:`, export AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, or "
      "run where a role is available (see docs/iam.md).";
  throw usage_error(redact(msg));
}

std::optional<Credentials> CredentialChain::from_environment(std::vector<std::string>& tried) {
  std::string key = env("AWS_ACCESS_KEY_ID");
  std::string secret = env("AWS_SECRET_ACCESS_KEY");
  secrets_.push_back(secret);
  if (key.empty() && secret.empty()) {
    tried.push_back("environment variables: AWS_ACCESS_KEY_ID not set");
    return std::nullopt;
  }
  if (key.empty() || secret.empty()) {
    throw CredentialError(std::string("environment variables: ") +
                          (key.empty() ? "AWS_SECRET_ACCESS_KEY is set without AWS_ACCESS_KEY_ID"
                                       : "AWS_ACCESS_KEY_ID is set without AWS_SECRET_ACCESS_KEY"));
  }
  // botocore reads AWS_SECURITY_TOKEN first, then AWS_SESSION_TOKEN.
  Credentials c{key, secret, env("AWS_SECURITY_TOKEN"), std::nullopt, "environment variables"};
  if (c.session_token.empty()) c.session_token = env("AWS_SESSION_TOKEN");
  if (std::string exp = env("AWS_CREDENTIAL_EXPIRATION"); !exp.empty()) {
    c.expiration = parse_iso8601(exp);
    if (!c.expiration) {
      throw CredentialError("environment variables: AWS_CREDENTIAL_EXPIRATION '" + exp +
                            "' is not an ISO 8601 time");
    }
  }
  return c;
}

std::optional<Credentials> CredentialChain::from_web_identity(const SharedConfig& cfg,
                                                              const std::string& name, bool use_env,
                                                              std::vector<std::string>& tried) {
  IniSection p = cfg.merged(name);
  auto pick = [&](const char* var, const char* key) {
    std::string v = use_env ? env(var) : "";
    return v.empty() ? ini_get(p, key) : v;
  };
  std::string token_file = pick("AWS_WEB_IDENTITY_TOKEN_FILE", "web_identity_token_file");
  if (token_file.empty()) {
    tried.push_back("web identity: AWS_WEB_IDENTITY_TOKEN_FILE not set" +
                    std::string(use_env ? "" : " (not read: explicit profile)") +
                    ", no web_identity_token_file in profile '" + name + "'");
    return std::nullopt;
  }
  std::string role_arn = pick("AWS_ROLE_ARN", "role_arn");
  if (role_arn.empty()) {
    throw CredentialError("web identity: token file " + token_file +
                          " is set but no role (AWS_ROLE_ARN or role_arn)");
  }
  std::string token = read_token_file(token_file);
  secrets_.push_back(token);
  RoleRequest role{role_arn, pick("AWS_ROLE_SESSION_NAME", "role_session_name"), "", 0};
  return assume_role_with_web_identity(token, role, region_, opts_);
}

std::optional<Credentials> CredentialChain::from_profile(const SharedConfig& cfg,
                                                         const std::string& name, bool use_env,
                                                         std::vector<std::string>& tried) {
  if (auto c = from_web_identity(cfg, name, use_env, tried)) return c;

  IniSection merged = cfg.merged(name);
  bool sso = !ini_get(merged, "sso_start_url").empty() || !ini_get(merged, "sso_session").empty();
  if (sso) {
    tried.push_back("profile '" + name +
                    "' uses IAM Identity Center (SSO), which tide reads "
                    "through credential_process: add `credential_process = aws configure "
                    "export-credentials --profile " +
                    name +
                    " --format process` to a profile "
                    "(docs/iam.md)");
  }
  if (auto c = static_keys(cfg.credentials_profile(name),
                           "credentials file " + cfg.credentials_path + " [" + name + "]")) {
    return c;
  }
  // credential_process may sit in either file (botocore reads the merged profile).
  if (std::string command = ini_get(merged, "credential_process"); !command.empty()) {
    return process_credentials(command, name, opts_);
  }
  const IniSection* config = cfg.config_profile(name);
  if (auto c = static_keys(config, "config file " + cfg.config_path + " profile " + name)) {
    return c;
  }
  tried.push_back("profile '" + name + "': no keys, credential_process or role in " +
                  cfg.credentials_path + " or " + cfg.config_path);
  return std::nullopt;
}

Credentials CredentialChain::assume_profile_role(const SharedConfig& cfg, const std::string& name,
                                                 std::vector<std::string> visited) {
  visited.push_back(name);
  IniSection p = cfg.merged(name);
  const std::string what = "profile '" + name + "'";
  std::string source_profile = ini_get(p, "source_profile");
  std::string credential_source = ini_get(p, "credential_source");
  if (!ini_get(p, "mfa_serial").empty()) {
    throw CredentialError(what +
                          " needs an MFA code (mfa_serial), which tide cannot prompt for; "
                          "use credential_process instead (docs/iam.md)");
  }
  if (!source_profile.empty() && !credential_source.empty()) {
    throw CredentialError(what + " has both source_profile and credential_source");
  }

  Credentials source;
  if (!source_profile.empty()) {
    if (!cfg.has_profile(source_profile)) {
      throw CredentialError(what + ": source_profile '" + source_profile + "' does not exist");
    }
    IniSection sp = cfg.merged(source_profile);
    bool chained =
        !ini_get(sp, "role_arn").empty() && ini_get(sp, "web_identity_token_file").empty();
    if (source_profile == name) {  // allowed: a profile with keys that assumes its own role
      auto keys = static_keys(cfg.credentials_profile(name), "credentials file [" + name + "]");
      if (!keys) keys = static_keys(cfg.config_profile(name), "config file profile " + name);
      if (!keys) throw CredentialError(what + " is its own source_profile but has no keys");
      source = *keys;
    } else if (chained) {
      if (std::find(visited.begin(), visited.end(), source_profile) != visited.end()) {
        throw CredentialError(what + ": source_profile loop through '" + source_profile + "'");
      }
      source = assume_profile_role(cfg, source_profile, visited);
    } else {
      std::vector<std::string> ignored;
      auto c = from_profile(cfg, source_profile, false, ignored);
      if (!c) {
        throw CredentialError(what + ": source_profile '" + source_profile +
                              "' has no credentials");
      }
      source = *c;
    }
  } else if (!credential_source.empty()) {
    std::string why;
    std::vector<std::string> ignored;
    std::optional<Credentials> c;
    if (credential_source == "Environment") {
      c = from_environment(ignored);
    } else if (credential_source == "Ec2InstanceMetadata") {
      c = instance_credentials(opts_, why);
    } else if (credential_source == "EcsContainer") {
      c = container_credentials(opts_, why);
    } else {
      throw CredentialError(what + ": credential_source '" + credential_source +
                            "' is not Environment, Ec2InstanceMetadata or EcsContainer");
    }
    if (!c) {
      throw CredentialError(what + ": credential_source " + credential_source +
                            " gave no credentials" + (why.empty() ? "" : " (" + why + ")"));
    }
    source = *c;
  } else {
    throw CredentialError(what + " has role_arn but neither source_profile nor credential_source");
  }
  secrets_.push_back(source.secret_access_key);
  secrets_.push_back(source.session_token);

  RoleRequest role{ini_get(p, "role_arn"), ini_get(p, "role_session_name"),
                   ini_get(p, "external_id"),
                   parse_duration_seconds(ini_get(p, "duration_seconds"), name)};
  return assume_role(source, role, region_, opts_);
}

std::string CredentialChain::redact(std::string text) const {
  return aws::redact(std::move(text), secrets_);
}

}  // namespace tide::aws
