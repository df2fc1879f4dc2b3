// tide new: write the next migration file from a template.
#include <fmt/format.h>

#include <ctime>
#include <filesystem>
#include <fstream>

#include "command.hpp"
#include "tide/error.hpp"
#include "tide/migration/migration_template.hpp"

namespace fs = std::filesystem;

namespace tide::cli {
namespace {

class New final : public Command {
 public:
  void define(CLI::App& cmd) override {
    cmd.add_option("name", name_, "What the migration does, e.g. add_body_text")->required();
    cmd.add_flag("--contract", options_.contract,
                 "Include a contract section (two-phase migration)");
    cmd.add_flag("--backfill", options_.backfill, "Include a keyed backfill section");
  }
  int run(Run& run) override {
    const Context& ctx = run.ctx();
    const std::string slug = migration_slug(name_);
    std::error_code ec;
    fs::create_directories(ctx.migrations_dir, ec);
    const MigrationSet existing = run.files();
    const std::time_t now = std::time(nullptr);
    const Version version = next_version(existing, ctx.config.version_format, now);
    const fs::path path =
        fs::path(ctx.migrations_dir) / fmt::format("{}_{}.sql", version.text, slug);
    if (fs::exists(path)) throw usage_error(fmt::format("{} already exists", path.string()));
    std::ofstream out(path);
    out << migration_template(options_);
    if (!out.flush()) throw usage_error(fmt::format("cannot write {}", path.string()));
    print(path.string() + "\n");
    return 0;
  }

 private:
  std::string name_;
  TemplateOptions options_;
};

}  // namespace

std::unique_ptr<Command> make_new_command() {
  return std::make_unique<New>();
}

}  // namespace tide::cli
