// Building a command's context from the global flags.
#include "context.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>

#include "tide/config/dotenv.hpp"
#include "tide/error.hpp"

namespace fs = std::filesystem;

namespace tide::cli {
namespace {

// Without --dir or `migrations:`, a dbmate project runs in place: when migrations/ is absent,
// $DBMATE_MIGRATIONS_DIR (its first directory), else db/migrations when it exists.
std::string fallback_migrations_dir(const EnvLookup& vars) {
  std::error_code ec;
  if (fs::exists("migrations", ec)) return "migrations";
  if (auto dir = vars("DBMATE_MIGRATIONS_DIR"); dir && !dir->empty()) {
    return dir->substr(0, dir->find(','));
  }
  if (fs::is_directory("db/migrations", ec)) return "db/migrations";
  return "migrations";
}

}  // namespace

Context make_context(const GlobalOptions& g, DbAccess database) {
  Context ctx;
  ctx.global = g;
  ctx.vars = load_dotenv(g.env_file, process_environment());
  const EnvLookup& vars = ctx.vars;
  std::string path = g.config_path;
  if (path.empty() && fs::exists("tide.yaml")) path = "tide.yaml";
  if (!path.empty()) {
    ctx.config = load_config(path, vars);
  } else {
    ctx.config.base_dir = fs::current_path().string();
  }
  if (!g.dir.empty()) ctx.config.migrations_dir = g.dir;
  if (g.dir.empty() && ctx.config.migrations_dir == "migrations") {
    ctx.config.migrations_dir = fallback_migrations_dir(vars);
  }
  ctx.migrations_dir = ctx.config.migrations_dir;
  if (!g.table.empty()) {
    try {
      parse_table_name(g.table);
    } catch (const Error& e) {
      throw usage_error(std::string("--table: ") + e.what());
    }
    ctx.config.table = g.table;
  }
  ctx.table = parse_table_name(ctx.config.table);
  if (!g.lock_wait.empty()) {
    if (const std::string e = duration_error(g.lock_wait); !e.empty())
      throw usage_error(fmt::format("--lock-wait: {}", e));
    ctx.config.lock_wait = *parse_duration(g.lock_wait);
  }
  if (!g.reconnect_timeout.empty()) {
    if (const std::string e = duration_error(g.reconnect_timeout); !e.empty())
      throw usage_error(fmt::format("--reconnect-timeout: {}", e));
    ctx.config.reconnect_timeout = *parse_duration(g.reconnect_timeout);
  }
  if (database != DbAccess::kNone && (g.url.empty() || !g.env.empty()))
    ctx.env = select_environment(ctx.config, g.env, vars);
  ctx.color = util::color_if(wants_color(g, STDOUT_FILENO));
  ctx.progress = smart_terminal(STDERR_FILENO) && !g.quiet && g.log_format != "json";
  return ctx;
}

bool smart_terminal(int fd) {
  const char* term = std::getenv("TERM");
  return isatty(fd) && !(term && std::string(term) == "dumb");
}

bool wants_color(const GlobalOptions& g, int fd) {
  if (g.color == "always") return true;
  if (g.color == "never" || g.no_color) return false;
  const char* no_color = std::getenv("NO_COLOR");
  if (no_color && *no_color) return false;
  return smart_terminal(fd);
}

MigrationSet Context::load_files(Files how) const {
  if (how == Files::kNone) return {};
  MigrationSet set = load_migrations(migrations_dir);
  if (how == Files::kReport) return set;
  const bool strict = how == Files::kStrict;
  if (strict) {
    if (auto empty = check_not_empty(set, migrations_dir)) set.problems.push_back(*empty);
  }
  if (!set.problems.empty()) {
    std::string list;
    for (const auto& p : set.problems) list += "\n  " + p.to_string();
    if (strict) {
      throw validation_error(fmt::format("{} problem{} in {}:{}", set.problems.size(),
                                         set.problems.size() == 1 ? "" : "s", migrations_dir,
                                         list));
    }
    spdlog::warn("problems in {}:{}", migrations_dir, list);
  }
  return set;
}

ConnectionSpec Context::connection() const {
  return connection_spec(env, global.url, vars);
}

Target Context::open(TargetMode mode) const {
  return Target(connection(), table, mode,
                TargetOptions{config.lock_wait, config.reconnect_timeout});
}

Version parse_version_arg(const std::string& text, const std::string& flag) {
  if (text.empty() || text.find_first_not_of("0123456789") != std::string::npos) {
    throw usage_error(
        fmt::format("{}: '{}' is not a version (digits, like 0003 or 20261124093000)", flag, text));
  }
  return Version{text};
}

void print(const std::string& text) {
  std::fwrite(text.data(), 1, text.size(), stdout);
  std::fflush(stdout);
}

}  // namespace tide::cli
