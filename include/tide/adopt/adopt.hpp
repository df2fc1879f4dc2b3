// Adopting another tool's project: its migration files become tide files (the SQL bytes
// unchanged) and the versions its metadata table says it applied become tide records.
// Converting and planning are pure; reading the old table and recording live in
// src/adopt/old_table.cpp and src/adopt/record.cpp; finding the project in src/adopt/project.cpp.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "tide/config/config.hpp"
#include "tide/db/database.hpp"
#include "tide/db/history.hpp"
#include "tide/migration/migration.hpp"
#include "tide/migration/state.hpp"

namespace tide::adopt {

enum class Tool { kDbmate, kSqlMigrate, kGolangMigrate, kGoose, kFlyway };
const char* tool_name(Tool t);  // "dbmate", "sql-migrate", …
std::optional<Tool> parse_tool(const std::string& name);
std::string default_table(Tool t);  // schema_migrations, gorp_migrations, …

// One file of the other tool's directory, as read from disk.
struct SourceFile {
  std::string path;  // as found (for messages)
  std::string name;  // base name
  std::string content;
};

// A tide migration made from one (or, for golang-migrate and Flyway, two) of the tool's files.
struct Converted {
  std::string key;       // how the tool's table names it (version text, or sql-migrate's file name)
  std::string sources;   // the tool's file(s) it comes from, for messages
  std::string filename;  // the tide file name: <version>_<slug>.sql
  std::string content;   // the tide file: the tool's SQL with tide's section markers
};

struct Conversion {
  Tool tool = Tool::kDbmate;
  std::vector<Converted> migrations;     // in the order the tool applies them
  std::vector<Problem> problems;         // any problem refuses the adoption
  std::vector<std::string> unsupported;  // reported and left out (e.g. Flyway repeatables)
};

// Where the tool keeps its files and its table, found as the tool finds them: `from_dir` /
// `from_table` (flags) first, then the tool's own settings (dbmate's $DBMATE_MIGRATIONS_DIR
// and $DBMATE_MIGRATIONS_TABLE, sql-migrate's dbconfig.yml, goose's $GOOSE_MIGRATION_DIR,
// Flyway's flyway.conf / $FLYWAY_LOCATIONS), then its default directories — other than
// `tide_dir`, tide's own, which holds the converted files after adopting.
struct Project {
  std::vector<std::string> dirs;
  QualifiedName table;
};
Project locate_project(Tool tool, const std::string& from_dir, const std::string& from_table,
                       const EnvLookup& vars, const std::string& tide_dir);
// Every regular file of the directories (not recursive). A missing directory is an exit-2 error.
std::vector<SourceFile> read_sources(Tool tool, const std::vector<std::string>& dirs);

// Converts the tool's files (any order; other files are ignored as the tool ignores them,
// Flyway's `V1__x.sql.conf` beside a script is read for executeInTransaction).
Conversion convert(Tool tool, const std::vector<SourceFile>& files);

// A tide-safe slug from a free-form name: lower case, [a-z0-9_-], "migration" when empty.
std::string slugify(const std::string& name);

// One row of the tool's metadata table, in the order the tool wrote them.
struct OldRow {
  std::string version;  // dbmate/golang-migrate/goose/Flyway version, sql-migrate id
  bool applied = true;  // goose is_applied
  bool ok = true;       // false: golang-migrate dirty, Flyway success = false
  std::string type;     // Flyway: SQL, BASELINE, UNDO_SQL, DELETE, JDBC, …
  std::string script;   // Flyway: the script (file name) it ran
};

// What adopting will do for one converted migration.
struct Item {
  const Converted* migration = nullptr;
  bool applied = false;           // the tool applied it: tide records it as applied
  bool file_exists = false;       // the tide file is already there, byte for byte
  bool already_recorded = false;  // tide already has its record
};

struct Plan {
  Tool tool = Tool::kDbmate;
  bool table_found = false;
  std::vector<Item> items;
  std::vector<std::string> unsupported;  // from the conversion: reported, not converted
  std::vector<std::string> notes;  // things the user should know (out-of-order pending files, …)
  size_t files_to_write() const;
  size_t records_to_add() const;
};

// Decides what to write and record. `rows` is nullopt when the tool's table does not exist;
// `existing` maps the tide directory's .sql file names to their content. Throws a
// validation error (exit 3) naming every version that makes adoption unsafe.
Plan plan_adoption(const Conversion& conv, const std::optional<std::vector<OldRow>>& rows,
                   const std::vector<Record>& records,
                   const std::map<std::string, std::string>& existing);

// Reads the tool's table (its real schema); nullopt when it does not exist. A table of the
// wrong shape is a usage error (exit 2) naming it.
std::optional<std::vector<OldRow>> read_old_table(Database& db, Tool tool,
                                                  const QualifiedName& table);

// Records, in the transaction under way on `db`, every migration the tool applied that tide has not recorded yet (state
// applied, checksum of the converted file, history action `adopt`). Returns one line per record.
std::vector<std::string> record_adoption(Database& db, const History& history,
                                         const Plan& plan, const std::string& dir,
                                         const std::string& old_table);

}  // namespace tide::adopt
