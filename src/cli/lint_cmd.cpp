// tide lint: flag statements that would lock or break a live database (rules: --help);
// and the lint gate that `tide up` runs first (config `lint: error|warn|off`).
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <set>

#include "context.hpp"
#include "tide/error.hpp"
#include "tide/lint.hpp"

namespace tide::cli {
namespace {

lint::Options lint_options(const Config& config) {
  lint::Options options;
  for (const auto& [rule, severity] : config.lint_rules) {
    options.severity_overrides[rule] = *lint::parse_severity(severity);  // checked by the config
  }
  return options;
}

std::string render(const lint::Report& report, const std::string& format, bool color) {
  if (format == "json") return lint::render_json(report);
  if (format == "github") return lint::render_github(report);
  return lint::render_text(report, color);
}

// The rules and their default severities, for `tide lint --help`: the help a user has at hand
// (docs/lint.md, with an example of each, may not be installed).
std::string rules_help() {
  std::string out =
      "Rules (severity; change with lint_rules: in tide.yaml, or opt out with\n"
      "'-- tide:allow RULE because REASON' above the statement):\n";
  for (const lint::RuleInfo& r : lint::rules()) {
    out += fmt::format("  {:<30}{:<9}{}\n", r.name, lint::severity_name(r.default_severity),
                       r.summary);
  }
  return out;
}

}  // namespace

void add_lint(CLI::App& app, GlobalOptions& g, int& exit_code) {
  auto* cmd = app.add_subcommand(
      "lint", "Flag statements that would lock or break a live database (tide help lint: rules)");
  cmd->footer(rules_help());
  auto files = std::make_shared<std::vector<std::string>>();
  auto format = std::make_shared<std::string>("text");
  cmd->add_option("files", *files, "Migration files to report on (default: every migration)");
  cmd->add_option("--format", *format, "Output format (github: workflow annotations)")
      ->check(CLI::IsMember({"text", "json", "github"}));
  cmd->callback([&g, &exit_code, files, format] {
    const Context ctx = make_context(g);
    const lint::Report report =
        lint::lint_paths(ctx.migrations_dir, *files, lint_options(ctx.config));
    print(render(report, *format, ctx.color));
    exit_code = static_cast<int>(report.has_errors() ? ExitCode::kValidation : ExitCode::kOk);
  });
}

void lint_before_up(const Context& ctx, const MigrationSet& files,
                    const std::vector<Record>& records) {
  if (ctx.config.lint == "off") return;
  std::set<Version> recorded;
  for (const Record& r : records) recorded.insert(r.version);
  lint::Options options = lint_options(ctx.config);
  for (const Migration& m : files.migrations) {
    if (!recorded.count(m.version)) options.only.insert(m.path);
  }
  if (options.only.empty()) return;
  const lint::Report report = lint::lint(files, options);
  if (report.findings.empty() && report.problems.empty()) return;
  const std::string text = lint::render_text(report, false);
  if (ctx.config.lint == "error" && report.has_errors()) {
    throw validation_error("lint found errors in pending migrations (config lint: error):\n" +
                           text +
                           "fix them, opt out with '-- tide:allow RULE because REASON', or set "
                           "lint: warn");
  }
  spdlog::warn("lint:\n{}", text);
}

}  // namespace tide::cli
