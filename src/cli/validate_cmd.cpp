// tide validate: files parse, no duplicates, checksums match, nothing out of order or failed,
// no recorded version without its file.
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "apply.hpp"

namespace tide::cli {
namespace {

class Validate final : public Command {
 public:
  void define(CLI::App& cmd) override {
    cmd.add_flag("--offline", offline_, "Check the files alone, without a database (pre-commit)");
    cmd.add_flag("--allow-out-of-order", allow_, "Do not report out-of-order pending migrations");
    cmd.add_flag("--strict-parse", strict_parse_,
                 "A file the PostgreSQL 15 grammar does not parse is an error, not a warning");
  }
  Needs needs(const Needs& row, const GlobalOptions&) const override {
    if (!offline_) return row;
    return {row.files, DbAccess::kNone, Lock::kNone};
  }
  int run(Run& run) override {
    const Context& ctx = run.ctx();
    const MigrationSet files = run.files();
    std::vector<Problem> problems = files.problems;
    if (auto empty = check_not_empty(files, ctx.migrations_dir)) problems.push_back(*empty);
    for (const Migration& m : files.migrations) {
      if (!m.unparsed) continue;
      if (strict_parse_) {
        problems.push_back(*m.unparsed);
      } else {
        spdlog::warn("{}", m.unparsed->to_string());
      }
    }
    if (!offline_) {
      Target target = run.open();
      const auto records = target.records();
      for (auto& p : check_history(files, records, out_of_order(allow_, ctx.config)))
        problems.push_back(p);
    }
    require_no_problems(problems, fmt::format("{} is not valid", ctx.migrations_dir));
    print(fmt::format("ok: {} migration{} valid{}\n", files.migrations.size(),
                      files.migrations.size() == 1 ? "" : "s", offline_ ? " (offline)" : ""));
    return 0;
  }

 private:
  bool offline_ = false;
  bool allow_ = false;
  bool strict_parse_ = false;
};

}  // namespace

std::unique_ptr<Command> make_validate_command() {
  return std::make_unique<Validate>();
}

}  // namespace tide::cli
