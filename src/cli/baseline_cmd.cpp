// tide baseline V: adopt an existing database by recording migrations <= V as done.
#include <fmt/format.h>

#include "command.hpp"
#include "tide/db/maintenance.hpp"
#include "tide/error.hpp"

namespace tide::cli {
namespace {

class Baseline final : public Command {
 public:
  void define(CLI::App& cmd) override {
    cmd.add_option("version", version_, "The newest version the database already has")->required();
    cmd.add_flag("--force", force_, "Record every migration up to VERSION even if no file has it");
  }
  int run(Run& run) override {
    const Context& ctx = run.ctx();
    const Version upto = parse_version_arg(version_, "baseline");
    const MigrationSet files = run.files();
    if (!files.find(upto) && !force_) {
      throw usage_error(fmt::format(
          "baseline {}: no migration in {} has version {} (the newest is {}): name the version "
          "the database already has, or pass --force to record every migration up to {}",
          upto.text, ctx.migrations_dir, upto.text,
          files.migrations.empty() ? "none" : files.migrations.back().filename, upto.text));
    }
    Target target = run.open();
    const auto changes = baseline(target, files, upto);
    std::string out;
    for (const auto& c : changes) out += c + "\n";
    if (!changes.empty()) {
      out += fmt::format("baselined {} migration{} up to {}\n", changes.size(),
                         changes.size() == 1 ? "" : "s", upto.text);
    }
    print(out.empty() ? fmt::format("nothing to baseline: every migration up to {} is recorded\n",
                                    upto.text)
                      : out);
    return 0;
  }

 private:
  std::string version_;
  bool force_ = false;
};

}  // namespace

std::unique_ptr<Command> make_baseline_command() {
  return std::make_unique<Baseline>();
}

}  // namespace tide::cli
