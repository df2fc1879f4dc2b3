// The one preamble of every command: the context, the files and the database as the command's
// row declares them, and the edge where library exceptions become tide errors.
#include "command.hpp"

#include <fmt/format.h>

#include <filesystem>
#include <pqxx/pqxx>
#include <stdexcept>

namespace tide::cli {

TargetMode target_mode(const Needs& needs) {
  const bool locked = needs.lock == Lock::kMigration;
  switch (needs.database) {
    case DbAccess::kReadOnly:
      if (!locked) return TargetMode::kRead;
      break;
    case DbAccess::kRehearse:
      if (locked) return TargetMode::kRehearse;
      break;
    case DbAccess::kReadWrite:
      if (locked) return TargetMode::kMigrate;
      break;
    case DbAccess::kNone:
      break;
  }
  throw std::logic_error(
      "no database target for these needs: read-only runs take no lock, "
      "changing ones always do");
}

const Context& Run::ctx() {
  if (!ctx_) ctx_ = make_context(global_, needs_.database);
  return *ctx_;
}

MigrationSet Run::files() {
  if (needs_.files == Files::kNone) throw std::logic_error("the command reads no files");
  return ctx().load_files(needs_.files);
}

Target Run::open() {
  return ctx().open(target_mode(needs_));
}

Target Run::open_read_only() {
  if (needs_.database == DbAccess::kNone) throw std::logic_error("the command needs no database");
  return ctx().open(TargetMode::kRead);
}

int dispatch(Command& command, const Needs& row, const GlobalOptions& global, const CLI::App& app) {
  Run run(global, command.needs(row, global), app);
  try {
    return command.run(run);
  } catch (const pqxx::broken_connection& e) {
    throw DatabaseFailure(std::string("lost the database connection: ") + e.what(), "");
  } catch (const pqxx::sql_error& e) {
    throw DatabaseFailure(std::string("database error: ") + e.what(), e.sqlstate());
  } catch (const pqxx::failure& e) {  // e.g. in_doubt_error: the driver's own words
    throw DatabaseFailure(std::string("database error: ") + e.what(), "");
  } catch (const std::filesystem::filesystem_error& e) {
    throw db_error(fmt::format("{}: {}", e.path1().string(), e.code().message()));
  }
}

}  // namespace tide::cli
