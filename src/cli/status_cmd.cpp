// tide status: every migration from files and records, with its state.
#include <spdlog/spdlog.h>

#include <algorithm>
#include <exception>
#include <filesystem>
#include <future>
#include <optional>
#include <system_error>
#include <vector>

#include "command.hpp"
#include "tide/error.hpp"
#include "tide/plan/plan.hpp"
#include "tide/report/report.hpp"

namespace tide::cli {
namespace {

class Status final : public Command {
 public:
  void define(CLI::App& cmd) override {
    cmd.add_option("--format", format_, "Output format")->check(CLI::IsMember({"text", "json"}));
    cmd.add_flag("--fail-on-pending", fail_on_pending_,
                 "Exit 5 when anything is pending or only expanded");
  }
  int run(Run& run) override {
    const Context& ctx = run.ctx();
    // Files tide cannot use are errors (exit 3), listed after the table: never left out silently.
    // The files are read and parsed on other threads while this one connects and reads the
    // records: neither needs the other, and over 10,000 of each both take tens of ms. A file
    // error still wins over a database one, as when they ran in turn; a missing directory is
    // reported before any connection is tried.
    std::future<MigrationSet> loading;
    std::optional<MigrationSet> loaded;
    std::error_code ec;
    if (std::filesystem::is_directory(ctx.migrations_dir, ec)) {
      loading = std::async(std::launch::async, [&run] { return run.files(); });
    } else {
      loaded = run.files();
    }
    std::vector<Record> records;
    std::exception_ptr db_failure;
    try {
      Target target = run.open();
      records = target.records();
    } catch (...) {
      db_failure = std::current_exception();
    }
    const MigrationSet files = loading.valid() ? loading.get() : std::move(*loaded);
    if (db_failure) std::rethrow_exception(db_failure);
    const auto rows = status_rows(files, records);
    print(format_ == "json" ? status_json(rows).dump(2) + "\n"
                            : render_status_text(rows, ctx.color));
    const bool unfinished = std::any_of(rows.begin(), rows.end(), [](const StatusRow& r) {
      return r.state == State::kPending || r.state == State::kBackfilling ||
             r.state == State::kExpanded;
    });
    int exit_code = 0;
    if (fail_on_pending_ && unfinished) exit_code = static_cast<int>(ExitCode::kPending);
    for (const Problem& p : files.problems) spdlog::error("{}", p.to_string());
    if (!files.problems.empty()) {
      spdlog::error("{} file problem{} in {}: tide cannot use {} (see `tide validate --offline`)",
                    files.problems.size(), files.problems.size() == 1 ? "" : "s",
                    ctx.migrations_dir, files.problems.size() == 1 ? "it" : "them");
      exit_code = static_cast<int>(ExitCode::kValidation);
    }
    return exit_code;
  }

 private:
  std::string format_ = "text";
  bool fail_on_pending_ = false;
};

}  // namespace

std::unique_ptr<Command> make_status_command() {
  return std::make_unique<Status>();
}

}  // namespace tide::cli
