// tide repair: after a manual fix, re-stamp checksums and clear failed records.
#include "apply.hpp"
#include "tide/db/maintenance.hpp"

namespace tide::cli {

void add_repair(CLI::App& app, GlobalOptions& g, int& exit_code) {
  auto* cmd =
      app.add_subcommand("repair", "Re-stamp checksums from the files and clear failed records");
  cmd->callback([&g, &exit_code] {
    const Context ctx = make_context(g);
    const MigrationSet files = ctx.load_files(true);
    Target target = ctx.open(TargetMode::kMigrate);
    const auto changes = repair(target, files);
    std::string out;
    for (const auto& c : changes) out += c + "\n";
    print(out.empty() ? "nothing to repair\n" : out);
    exit_code = 0;
  });
}

}  // namespace tide::cli
