// tide baseline V: adopt an existing database by recording migrations <= V as done.
#include <fmt/format.h>

#include "apply.hpp"
#include "tide/db/maintenance.hpp"

namespace tide::cli {

void add_baseline(CLI::App& app, GlobalOptions& g, int& exit_code) {
  auto* cmd = app.add_subcommand(
      "baseline", "Record every migration up to VERSION as done, without running it");
  auto version = std::make_shared<std::string>();
  cmd->add_option("version", *version, "The newest version the database already has")->required();
  cmd->callback([&g, &exit_code, version] {
    const Context ctx = make_context(g);
    const MigrationSet files = ctx.load_files(true);
    const Version upto = parse_version_arg(*version, "baseline");
    Target target = ctx.open(TargetMode::kMigrate);
    const auto changes = baseline(target, files, upto);
    std::string out;
    for (const auto& c : changes) out += c + "\n";
    print(out.empty() ? fmt::format("nothing to baseline: every migration up to {} is recorded\n",
                                    upto.text)
                      : out);
    exit_code = 0;
  });
}

}  // namespace tide::cli
