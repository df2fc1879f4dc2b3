// tide token: print an RDS IAM auth token, like `aws rds generate-db-auth-token`.
#include <fmt/format.h>

#include "context.hpp"
#include "tide/aws/rds_token.hpp"
#include "tide/error.hpp"

namespace tide::cli {

void add_token(CLI::App& app, GlobalOptions& g, int& exit_code) {
  auto* cmd = app.add_subcommand("token", "Print an RDS IAM auth token for the environment");
  auto target = std::make_shared<aws::IamTarget>();
  auto port = std::make_shared<int>(0);
  cmd->add_option("--host", target->host, "Database host (default: the environment's)");
  cmd->add_option("--port", *port, "Database port (default: the environment's, else 5432)")
      ->check(CLI::Range(1, 65535));
  cmd->add_option("--user", target->user, "Database user (default: the environment's)");
  cmd->add_option("--region", target->region,
                  "AWS region (default: config, AWS_REGION, or the host name)");
  cmd->callback([&g, &exit_code, target, port] {
    aws::IamTarget t = *target;
    const bool complete = !t.host.empty() && !t.user.empty();
    if (!complete || g.url.empty()) {
      std::optional<Context> ctx;
      try {
        ctx = make_context(g);
      } catch (const Error&) {
        if (!complete) throw;
      }
      if (ctx && ctx->env) {
        const ConnectionSpec spec = ctx->connection();
        if (t.host.empty()) t.host = spec.get("host");
        if (t.user.empty()) t.user = spec.get("user");
        if (!*port && !spec.get("port").empty()) t.port = std::stoi(spec.get("port"));
        if (t.region.empty()) t.region = ctx->env->region;
        t.role_arn = ctx->env->role_arn;
        t.profile = ctx->env->aws_profile;
      }
    }
    if (*port) t.port = *port;
    if (t.host.empty() || t.user.empty()) {
      throw usage_error(
          "tide token needs a host and a user: pass --host and --user, or select an environment");
    }
    aws::RdsTokenProvider provider(t);
    print(provider.token() + "\n");
    exit_code = 0;
  });
}

}  // namespace tide::cli
