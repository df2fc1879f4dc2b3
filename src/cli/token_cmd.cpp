// tide token: print an RDS IAM auth token, like `aws rds generate-db-auth-token`.
#include <fmt/format.h>

#include <charconv>

#include "command.hpp"
#include "tide/aws/rds_token.hpp"
#include "tide/error.hpp"

namespace tide::cli {
namespace {

// The environment's port (a URL's is not checked before libpq reads it).
int parse_port(const std::string& text) {
  int port = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), port);
  if (ec != std::errc() || end != text.data() + text.size() || port < 1 || port > 65535) {
    throw usage_error(
        fmt::format("port '{}' of the environment is not a whole number from 1 to 65535", text));
  }
  return port;
}

class Token final : public Command {
 public:
  void define(CLI::App& cmd) override {
    cmd.add_option("--host", target_.host, "Database host (default: the environment's)");
    cmd.add_option("--port", port_, "Database port (default: the environment's, else 5432)")
        ->check(CLI::Range(1, 65535));
    cmd.add_option("--user", target_.user, "Database user (default: the environment's)");
    cmd.add_option("--region", target_.region,
                   "AWS region (default: config, AWS_REGION, or the host name)");
  }
  int run(Run& run) override {
    const GlobalOptions& g = run.global();
    aws::IamTarget t = target_;
    const bool complete = !t.host.empty() && !t.user.empty();
    if (!complete || g.url.empty()) {
      // The environment (selected as for a connection) fills in what the flags leave out;
      // with host and user given, a config that does not load is no reason to fail.
      std::optional<Context> ctx;
      try {
        ctx = make_context(g, DbAccess::kReadOnly);
      } catch (const Error&) {
        if (!complete) throw;
      }
      if (ctx && ctx->env) {
        const ConnectionSpec spec = ctx->connection();
        if (t.host.empty()) t.host = spec.get("host");
        if (t.user.empty()) t.user = spec.get("user");
        if (!port_ && !spec.get("port").empty()) t.port = parse_port(spec.get("port"));
        if (t.region.empty()) t.region = ctx->env->region;
        t.role_arn = ctx->env->role_arn;
        t.profile = ctx->env->aws_profile;
      }
    }
    if (port_) t.port = port_;
    if (t.host.empty() || t.user.empty()) {
      throw usage_error(
          "tide token needs a host and a user: pass --host and --user, or select an environment");
    }
    aws::RdsTokenProvider provider(t);
    print(provider.token() + "\n");
    return 0;
  }

 private:
  aws::IamTarget target_;
  int port_ = 0;
};

}  // namespace

std::unique_ptr<Command> make_token_command() {
  return std::make_unique<Token>();
}

}  // namespace tide::cli
