// tide lint: flag statements that would lock or break a live database (rules: --help);
// and the lint gate that `tide up` runs first (config `lint: error|warn|off`).
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <set>

#include "command.hpp"
#include "context.hpp"
#include "tide/db/lint_stats.hpp"
#include "tide/error.hpp"
#include "tide/lint/lint.hpp"

namespace tide::cli {
namespace {

lint::Options lint_options(const Config& config) {
  lint::Options options;
  for (const auto& [rule, severity] : config.lint_rules) {
    options.severity_overrides[rule] = *lint::parse_severity(severity);  // checked by the config
  }
  options.small.rows = static_cast<double>(config.lint_small_rows);
  options.small.bytes = config.lint_small_bytes;
  return options;
}

// What the server knows that the files do not: table sizes and the session time zone.
struct Live {
  lint::TableSizes sizes;
  std::string time_zone;
};

Live read_live(Session& session) {
  Live live;
  live.sizes = db::read_table_sizes(session);
  live.time_zone = db::read_time_zone(session);
  return live;
}

std::string render(const lint::Report& report, const std::string& format, util::Color color) {
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
  return out +
         "With --url (or -e ENV) lint reads table sizes and the time zone from that database:\n"
         "findings on small tables (lint_small_rows, lint_small_size) drop to info, the others\n"
         "carry the size.\n";
}

class Lint final : public Command {
 public:
  void define(CLI::App& cmd) override {
    cmd.footer(rules_help());
    cmd.add_option("files", files_, "Migration files to report on (default: every migration)");
    cmd.add_option("--format", format_, "Output format (github: workflow annotations)")
        ->check(CLI::IsMember({"text", "json", "github"}));
    cmd.add_flag("--strict-parse", strict_parse_,
                 "A file the PostgreSQL 15 grammar does not parse is an error, not a warning");
  }
  // Offline unless a database is named: then findings carry the live table sizes.
  Needs needs(const Needs& row, const GlobalOptions& g) const override {
    if (!g.url.empty() || !g.env.empty()) return row;
    return {row.files, DbAccess::kNone, Lock::kNone};
  }
  int run(Run& run) override {
    const Context& ctx = run.ctx();
    lint::Options options = lint_options(ctx.config);
    Live live;
    if (run.needs().database != DbAccess::kNone) {
      Target target = run.open();
      live = read_live(target.session());
      options.sizes = &live.sizes;
      options.time_zone = live.time_zone;
    }
    lint::Report report = lint::lint_paths(ctx.migrations_dir, files_, options);
    if (strict_parse_) {
      report.problems.insert(report.problems.end(), report.skipped.begin(), report.skipped.end());
      report.skipped.clear();
    }
    print(render(report, format_, ctx.color));
    return static_cast<int>(report.has_errors() ? ExitCode::kValidation : ExitCode::kOk);
  }

 private:
  std::vector<std::string> files_;
  std::string format_ = "text";
  bool strict_parse_ = false;
};

}  // namespace

std::unique_ptr<Command> make_lint_command() {
  return std::make_unique<Lint>();
}

void lint_before_up(const Context& ctx, const MigrationSet& files,
                    const std::vector<Record>& records, Session* session) {
  if (ctx.config.lint == LintMode::kOff) return;
  std::set<Version> recorded;
  for (const Record& r : records) recorded.insert(r.version);
  lint::Options options = lint_options(ctx.config);
  for (const Migration& m : files.migrations) {
    if (!recorded.count(m.version)) options.only.insert(m.path);
  }
  if (options.only.empty()) return;  // nothing pending: no need for the live sizes either
  Live live;
  if (session) {
    live = read_live(*session);
    options.sizes = &live.sizes;
    options.time_zone = live.time_zone;
  }
  const lint::Report report = lint::lint(files, options);
  if (report.findings.empty() && report.problems.empty()) return;
  const std::string text = lint::render_text(report, util::Color::no);
  if (ctx.config.lint == LintMode::kError && report.has_errors()) {
    throw validation_error("lint found errors in pending migrations (config lint: error):\n" +
                           text +
                           "fix them, opt out with '-- tide:allow RULE because REASON', or set "
                           "lint: warn");
  }
  spdlog::warn("lint:\n{}", text);
}

std::map<const Statement*, LockNote> lock_notes(const Context& ctx, Session& session,
                                                const Plan& plan) {
  const Live live = read_live(session);
  // Read the whole set again: earlier migrations tell column types and new tables. Statements
  // are matched to the plan's by file and line.
  const MigrationSet all = ctx.load_files(Files::kWarn);
  std::map<std::pair<std::string, int>, const lint::StatementLocks*> by_place;
  const auto analysed = lint::analyse_locks(all.migrations, live.time_zone);
  for (const Migration& m : all.migrations) {
    std::vector<const Section*> sections = {&m.expand};
    for (const Section& b : m.backfills) sections.push_back(&b);
    if (m.contract) sections.push_back(&*m.contract);
    if (m.down) sections.push_back(&*m.down);
    for (const Section* s : sections) {
      for (const Statement& st : s->statements) {
        auto it = analysed.find(&st);
        if (it != analysed.end()) by_place[{m.path, st.line}] = &it->second;
      }
    }
  }
  std::map<const Statement*, LockNote> notes;
  for (const Step& step : plan.steps) {
    for (const Statement& st : step.section->statements) {
      auto it = by_place.find({step.migration->path, st.line});
      if (it == by_place.end() || it->second->empty()) continue;
      notes[&st] = LockNote{lint::describe_locks(*it->second, &live.sizes),
                            lint::locks_json(*it->second, &live.sizes)};
    }
  }
  return notes;
}

}  // namespace tide::cli
