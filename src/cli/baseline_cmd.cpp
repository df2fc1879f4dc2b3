// tide baseline V: adopt an existing database by recording migrations <= V as done.
#include <fmt/format.h>

#include "apply.hpp"
#include "tide/db/maintenance.hpp"
#include "tide/error.hpp"

namespace tide::cli {

void add_baseline(CLI::App& app, GlobalOptions& g, int& exit_code) {
  auto* cmd = app.add_subcommand(
      "baseline", "Record every migration up to VERSION as done, without running it");
  auto version = std::make_shared<std::string>();
  cmd->add_option("version", *version, "The newest version the database already has")->required();
  auto force = std::make_shared<bool>(false);
  cmd->add_flag("--force", *force, "Record every migration up to VERSION even if no file has it");
  cmd->callback([&g, &exit_code, version, force] {
    const Context ctx = make_context(g);
    const Version upto = parse_version_arg(*version, "baseline");
    const MigrationSet files = ctx.load_files(true);
    if (!files.find(upto) && !*force) {
      throw usage_error(fmt::format(
          "baseline {}: no migration in {} has version {} (the newest is {}): name the version "
          "the database already has, or pass --force to record every migration up to {}",
          upto.text, ctx.migrations_dir, upto.text,
          files.migrations.empty() ? "none" : files.migrations.back().filename, upto.text));
    }
    Target target = ctx.open(TargetMode::kMigrate);
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
    exit_code = 0;
  });
}

}  // namespace tide::cli
