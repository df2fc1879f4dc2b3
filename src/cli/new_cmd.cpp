// tide new: write the next migration file from a template.
#include <fmt/format.h>

#include <ctime>
#include <filesystem>
#include <fstream>

#include "context.hpp"
#include "tide/error.hpp"
#include "tide/migration/migration_template.hpp"

namespace fs = std::filesystem;

namespace tide::cli {

void add_new(CLI::App& app, GlobalOptions& g, int& exit_code) {
  auto* cmd = app.add_subcommand("new", "Write the next migration file and print its path");
  auto name = std::make_shared<std::string>();
  auto options = std::make_shared<TemplateOptions>();
  cmd->add_option("name", *name, "What the migration does, e.g. add_body_text")->required();
  cmd->add_flag("--contract", options->contract,
                "Include a contract section (two-phase migration)");
  cmd->add_flag("--backfill", options->backfill, "Include a keyed backfill section");
  cmd->callback([&g, &exit_code, name, options] {
    const Context ctx = make_context(g, false);
    const std::string slug = migration_slug(*name);
    std::error_code ec;
    fs::create_directories(ctx.migrations_dir, ec);
    const MigrationSet existing = load_migrations(ctx.migrations_dir);
    const std::time_t now = std::time(nullptr);
    const Version version = next_version(existing, ctx.config.version_format, now);
    const fs::path path =
        fs::path(ctx.migrations_dir) / fmt::format("{}_{}.sql", version.text, slug);
    if (fs::exists(path)) throw usage_error(fmt::format("{} already exists", path.string()));
    std::ofstream out(path);
    out << migration_template(*options);
    if (!out.flush()) throw usage_error(fmt::format("cannot write {}", path.string()));
    print(path.string() + "\n");
    exit_code = 0;
  });
}

}  // namespace tide::cli
