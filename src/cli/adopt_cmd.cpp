// tide adopt --from TOOL: converts another tool's files and records what it applied.
// Preview by default; --apply writes the files, then records in one transaction.
#include <fmt/format.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "command.hpp"
#include "context.hpp"
#include "tide/adopt/adopt.hpp"
#include "tide/error.hpp"
#include "tide/util/file.hpp"

namespace fs = std::filesystem;

namespace tide::cli {
namespace {

struct AdoptOptions {
  std::string from, from_dir, from_table, format = "text";
  bool apply = false;
};

// tide's directory: --dir, else tide.yaml's `migrations:`, else migrations/ (never the
// fallback to dbmate's directory that running in place uses).
std::string tide_dir(const Context& ctx) {
  if (!ctx.global.dir.empty() || !ctx.config.path.empty()) return ctx.migrations_dir;
  return "migrations";
}

std::map<std::string, std::string> existing_files(const std::string& dir) {
  std::map<std::string, std::string> files;
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) return files;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    if (entry.path().extension() != ".sql" || !entry.is_regular_file(ec)) continue;
    util::FileText content = util::read_file(entry.path().string());
    if (!content)
      throw usage_error(
          fmt::format("{}: cannot read it: {}", entry.path().string(), content.error));
    files[entry.path().filename().string()] = std::move(*content.content);
  }
  return files;
}

void write_file(const std::string& dir, const std::string& name, const std::string& content) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  const fs::path path = fs::path(dir) / name, tmp = fs::path(dir) / ("." + name + ".tmp");
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out << content;
    if (!out.flush()) throw db_error(fmt::format("cannot write {}", tmp.string()));
  }
  fs::rename(tmp, path, ec);
  if (ec) throw db_error(fmt::format("cannot write {}: {}", path.string(), ec.message()));
}

struct Adoption {
  adopt::Plan plan;
  std::vector<std::string> recorded;
};

// A preview reads and plans; an adoption also writes the files and the records.
enum class Act { kPreview, kAdopt };

// Reads both tables and plans; with Act::kAdopt, writes the files and records, all in the
// transaction under way on `db`.
Adoption adopt_in(Database& db, const History& history, const adopt::Conversion& conv,
                  const adopt::Project& project, const std::string& dir, Act act) {
  Adoption a;
  const auto rows = adopt::read_old_table(db, conv.tool, project.table);
  a.plan = adopt::plan_adoption(conv, rows, history.load(db), existing_files(dir));
  if (act == Act::kPreview) return a;
  for (const auto& item : a.plan.items) {
    if (!item.file_exists) write_file(dir, item.migration->filename, item.migration->content);
  }
  a.recorded = adopt::record_adoption(db, history, a.plan, dir,
                                      project.table.schema + "." + project.table.table);
  return a;
}

std::string render_text(const Adoption& a, const adopt::Project& project, const std::string& dir,
                        const Context& ctx, bool applied) {
  const adopt::Plan& plan = a.plan;
  std::string dirs;
  for (const auto& d : project.dirs) dirs += (dirs.empty() ? "" : ", ") + d;
  const std::string old_table = project.table.schema + "." + project.table.table;
  std::string out =
      fmt::format("{} project in {}; its table {} {}\n", adopt::tool_name(plan.tool), dirs,
                  old_table, plan.table_found ? "was read" : "does not exist: nothing applied");
  for (const auto& item : plan.items) {
    out += fmt::format(
        "  {:<7} {}/{}  <- {}{}\n", item.file_exists ? "exists" : (applied ? "wrote" : "write"),
        dir, item.migration->filename, item.migration->sources,
        item.applied ? (item.already_recorded ? "  (applied, recorded)" : "  (applied)")
                     : "  (pending)");
  }
  for (const auto& u : plan.unsupported) out += "  unsupported: " + u + "\n";
  for (const auto& n : plan.notes) out += "  note: " + n + "\n";
  const size_t files = plan.files_to_write(), records = plan.records_to_add();
  const std::string tide_table = ctx.table.schema + "." + ctx.table.table;
  if (files == 0 && records == 0) {
    out += fmt::format(
        "nothing to do: already adopted ({} files in {}/, every applied version "
        "recorded in {})\n",
        plan.items.size(), dir, tide_table);
  } else if (applied) {
    out += fmt::format(
        "adopted: wrote {} file{} to {}/, recorded {} version{} as applied in {}; "
        "{} is unchanged\n",
        files, files == 1 ? "" : "s", dir, records, records == 1 ? "" : "s", tide_table, old_table);
  } else {
    out += fmt::format(
        "preview: would write {} file{} to {}/ and record {} version{} as applied "
        "in {}; run again with --apply\n",
        files, files == 1 ? "" : "s", dir, records, records == 1 ? "" : "s", tide_table);
  }
  return out;
}

nlohmann::json render_json(const Adoption& a, const adopt::Project& project, const std::string& dir,
                           bool applied) {
  nlohmann::json items = nlohmann::json::array();
  for (const auto& item : a.plan.items) {
    items.push_back({{"file", dir + "/" + item.migration->filename},
                     {"from", item.migration->sources},
                     {"applied", item.applied},
                     {"write", !item.file_exists},
                     {"record", item.applied && !item.already_recorded}});
  }
  return {{"tool", adopt::tool_name(a.plan.tool)},
          {"source_dirs", project.dirs},
          {"old_table", project.table.schema + "." + project.table.table},
          {"old_table_found", a.plan.table_found},
          {"applied", applied},
          {"migrations", items},
          {"unsupported", a.plan.unsupported},
          {"notes", a.plan.notes}};
}

int run_adopt(Run& run, const AdoptOptions& o) {
  const Context& ctx = run.ctx();
  const auto tool = adopt::parse_tool(o.from);
  if (!tool) throw usage_error(fmt::format("--from: unknown tool '{}'", o.from));
  const std::string dir = tide_dir(ctx);
  const adopt::Project project =
      adopt::locate_project(*tool, o.from_dir, o.from_table, ctx.vars, dir);
  std::error_code ec;
  for (const auto& d : project.dirs) {
    if (fs::exists(d, ec) && fs::exists(dir, ec) && fs::equivalent(d, dir, ec)) {
      throw usage_error(fmt::format(
          "{}'s files are in {}/, where tide's files would go: pass --dir for tide's directory "
          "(e.g. --dir db/tide) and set `migrations:` in tide.yaml to match",
          adopt::tool_name(*tool), dir));
    }
  }
  const adopt::Conversion conv = adopt::convert(*tool, adopt::read_sources(*tool, project.dirs));
  Adoption a;
  {
    // First a read-only pass: a refused adoption creates nothing, not even tide's table.
    Target target = run.open_read_only();
    Transaction tx(target.database());
    a = adopt_in(target.database(), target.history(), conv, project, dir, Act::kPreview);
  }
  if (o.apply) {
    Target target = run.open();
    Transaction tx(target.database());
    a = adopt_in(target.database(), target.history(), conv, project, dir, Act::kAdopt);
    tx.commit();
  }
  print(o.format == "json" ? render_json(a, project, dir, o.apply).dump(2) + "\n"
                           : render_text(a, project, dir, ctx, o.apply));
  return 0;
}

class Adopt final : public Command {
 public:
  void define(CLI::App& cmd) override {
    cmd.add_option("--from", o_.from, "The tool the project uses")
        ->required()
        ->check(CLI::IsMember({"dbmate", "sql-migrate", "golang-migrate", "goose", "flyway"}));
    cmd.add_option("--from-dir", o_.from_dir,
                   "The tool's migrations directory (default: where the tool looks)");
    cmd.add_option("--from-table", o_.from_table,
                   "The tool's metadata table, NAME or SCHEMA.NAME (default: the tool's)");
    cmd.add_flag("--apply", o_.apply, "Write the files and the records (default: preview only)");
    cmd.add_option("--format", o_.format, "Output format")->check(CLI::IsMember({"text", "json"}));
  }
  // A preview only reads.
  Needs needs(const Needs& row, const GlobalOptions&) const override {
    if (o_.apply) return row;
    return {row.files, DbAccess::kReadOnly, Lock::kNone};
  }
  int run(Run& run) override { return run_adopt(run, o_); }

 private:
  AdoptOptions o_;
};

}  // namespace

std::unique_ptr<Command> make_adopt_command() {
  return std::make_unique<Adopt>();
}

}  // namespace tide::cli
