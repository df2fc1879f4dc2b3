// The migration linter: flags statements that would lock or break a live database for the
// phase they stand in, using PostgreSQL's own parse tree. Pure apart from reading files:
// no database, no terminal. Rules and their documentation: docs/lint.md.
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "tide/migration/migration.hpp"
#include "tide/util/ansi.hpp"

namespace tide::lint {

// kInfo: a finding on a table a connected lint saw to be small; it never fails a run.
enum class Severity { kOff, kInfo, kWarning, kError };
const char* severity_name(Severity s);  // "off", "info", "warning", "error"
// "off", "warning" (or "warn"), "error"; nullopt for anything else.
std::optional<Severity> parse_severity(const std::string& text);

// One rule firing on one statement (or, for migration-level rules, on a section marker).
struct Finding {
  std::string rule;  // stable kebab-case name, e.g. "drop-in-expand"
  Severity severity = Severity::kError;
  std::string file;  // the migration's path
  int line = 0;      // 1-based file line of the offending clause
  std::string version;
  Phase phase = Phase::kExpand;
  std::string message;  // what is wrong and why it hurts a live database
  std::string fix;      // how to write it safely
  std::string table;    // "schema.name" whose size weighs the finding, or "" (size-blind rules)
};

// A table's size as the server's statistics give it (pg_class.reltuples, relpages and
// pg_total_relation_size): rows < 0 when never analysed.
struct TableSize {
  double rows = -1;
  long long bytes = 0;
};
using TableSizes = std::map<std::string, TableSize>;  // by "schema.name"
// "~10.2M rows, 1.6 GB" (rows left out when unknown).
std::string describe_size(const TableSize& size);

// Findings on tables below both limits drop to info when the linter knows the sizes.
struct SizeThreshold {
  double rows = 10000;
  long long bytes = 10LL * 1024 * 1024;
};

struct Options {
  // Rule name → severity; kOff disables a rule. Names must be known (see find_rule).
  std::map<std::string, Severity> severity_overrides;
  // When not empty, only findings in these migration paths are reported; the other
  // migrations are still read for context (tables and constraints made earlier).
  std::set<std::string> only;
  // File text by migration path, for the `-- tide:allow` comments (statements do not carry
  // their comments). A migration whose path is not here is read from disk.
  std::map<std::string, std::string> sources;
  // Live sizes of the tables (a connected lint): a size-aware finding on a table found here
  // carries its size, and drops to info below `small`. Tables not found keep their severity.
  const TableSizes* sizes = nullptr;
  SizeThreshold small;
  // The session time zone of the server ("" when not connected): timestamp → timestamptz
  // does not rewrite under UTC.
  std::string time_zone;
};

struct Report {
  std::vector<Finding> findings;  // in file order: by version, then line
  std::vector<Problem> problems;  // files that do not parse (always errors)
  // Files the PostgreSQL 15 grammar did not parse (Migration::unparsed): not linted. Warnings;
  // the CLI's --strict-parse moves them to `problems`.
  std::vector<Problem> skipped;
  int migrations = 0;  // how many migrations were checked
  int errors() const;  // error findings + problems
  int warnings() const;
  int infos() const;
  bool has_errors() const { return errors() > 0; }  // the CLI exits 3 (kValidation) then
};

// Lints a whole set in version order: rules may look at earlier migrations (e.g. a CHECK
// constraint validated before a SET NOT NULL) and at earlier statements of the same one.
Report lint(const std::vector<Migration>& migrations, const Options& options = {});
// Same, carrying over the set's problems (bad names, duplicates, syntax errors).
Report lint(const MigrationSet& set, const Options& options = {});

// What `tide lint [FILES…]` runs: every migration in `dir`, or with `files` only those
// files (the rest of `dir` still gives context). A file outside `dir` joins the set in
// version order. `dir` may be missing when files are given. Throws tide::Error
// (usage) for a file that does not exist.
Report lint_paths(const std::string& dir, const std::vector<std::string>& files,
                  const Options& options = {});

// What a statement locks, per PostgreSQL's documented lock levels ("Explicit Locking" and
// each command's reference page): the lock mode on each table, and whether the statement
// rewrites or reads every row of it while holding that lock.
struct TableLock {
  std::string table;  // "schema.name"
  std::string mode;   // "ACCESS EXCLUSIVE", "SHARE", "SHARE UPDATE EXCLUSIVE", …
  bool rewrites = false;
  bool scans = false;
  bool is_new = false;  // created or emptied earlier in the same migration: no rows yet
};
using StatementLocks = std::vector<TableLock>;
// The locks of every statement of `migrations`, read in version order like lint (so column
// types, indexes and new tables from earlier statements are known), by Statement address.
std::map<const Statement*, StatementLocks> analyse_locks(const std::vector<Migration>& migrations,
                                                         const std::string& time_zone = "");
// One line for an operator: "ACCESS EXCLUSIVE on users (rewrites; ~10.2M rows, 1.6 GB)".
std::string describe_locks(const StatementLocks& locks, const TableSizes* sizes);
nlohmann::json locks_json(const StatementLocks& locks, const TableSizes* sizes);

struct RuleInfo {
  std::string name;
  Severity default_severity;
  std::string summary;  // one line, for `tide lint --help` and docs
};
const std::vector<RuleInfo>& rules();
const RuleInfo* find_rule(const std::string& name);

// Renderers: one place turns a report into text. Each ends with a newline.
std::string render_text(const Report& report, util::Color color);
std::string render_json(const Report& report);
// GitHub Actions workflow commands (::error file=…,line=…,title=…::…), one per line.
std::string render_github(const Report& report);

}  // namespace tide::lint
