// tide repair: after a manual fix, re-stamp checksums and clear failed records.
#include "command.hpp"
#include "tide/db/maintenance.hpp"

namespace tide::cli {
namespace {

class Repair final : public Command {
 public:
  void define(CLI::App&) override {}
  int run(Run& run) override {
    const MigrationSet files = run.files();
    Target target = run.open();
    const auto changes = repair(target, files);
    std::string out;
    for (const auto& c : changes) out += c + "\n";
    print(out.empty() ? "nothing to repair\n" : out);
    return 0;
  }
};

}  // namespace

std::unique_ptr<Command> make_repair_command() {
  return std::make_unique<Repair>();
}

}  // namespace tide::cli
