// The migration model: what a migration file says, independent of any database.
// Files are parsed by migration_file.cpp; directories are read by migration_set.cpp.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "tide/util/duration.hpp"

namespace tide {

enum class Phase { kExpand, kBackfill, kContract, kDown };
const char* phase_name(Phase p);  // "expand", "backfill", "contract", "down"

// One SQL statement of a section, as split by the PostgreSQL parser.
struct Statement {
  std::string sql;  // the statement text, without its trailing ';'
  int line = 0;     // 1-based line in the file where it starts
};

struct Section {
  Phase phase = Phase::kExpand;
  std::string marker;  // as written: "expand", "up", "backfill", "contract", "down"
  int line = 0;        // line of the marker
  bool transactional = true;
  std::optional<Millis> lock_timeout;       // default: config `lock_timeout:`
  std::optional<Millis> statement_timeout;  // default: the server's
  // Backfill only. With `table`, the backfill is keyed: $1/$2 are a batch's first/last key.
  std::string table;
  std::string key;  // empty: the table's primary key
  long long batch_size = 5000;
  Millis batch_sleep{0};
  std::vector<Statement> statements;

  bool keyed() const { return !table.empty(); }
};

// A problem found in the files: always names the file and, when known, the line.
struct Problem {
  std::string file;
  int line = 0;  // 0: the whole file
  std::string message;
  std::string to_string() const;  // "file:line: message"
};

// A version as written in the file name ("0001", "20261124093000"), compared as a number.
struct Version {
  std::string text;
  int compare(const Version& other) const;
  bool operator<(const Version& o) const { return compare(o) < 0; }
  bool operator==(const Version& o) const { return compare(o) == 0; }
  bool operator!=(const Version& o) const { return compare(o) != 0; }
  bool operator<=(const Version& o) const { return compare(o) <= 0; }
};

struct Migration {
  Version version;
  std::string name;      // the slug
  std::string path;      // path as found on disk
  std::string filename;  // "<version>_<slug>.sql"
  std::string checksum;  // hex SHA-256 of the file, CRLF read as LF
  Section expand;
  std::vector<Section> backfills;
  std::optional<Section> contract;
  std::optional<Section> down;
  // Set when the PostgreSQL 15 grammar rejected a section (PostgreSQL 16+ syntax, or a
  // mistake): its statements were split by the scanner, the server judges them when they run,
  // and lint cannot check the file. Names the first such line; a warning unless --strict-parse.
  std::optional<Problem> unparsed;

  // A two-phase migration has a contract step; others are plain and end `applied`.
  bool two_phase() const { return contract.has_value(); }
};

// Parses one migration file's content. Problems are appended; the returned migration
// is complete only when no problem was added.
Migration parse_migration(const std::string& path, const std::string& content,
                          std::vector<Problem>& problems);

// Splits `filename` ("0001_create_users.sql") into version and slug; false when it does not match.
bool parse_migration_filename(const std::string& filename, Version& version, std::string& slug);

// Hex SHA-256 of the content with CRLF line endings read as LF.
std::string migration_checksum(const std::string& content);

// All migrations of a directory, sorted by version, with every problem found
// (bad names, duplicate versions, parse errors).
struct MigrationSet {
  std::vector<Migration> migrations;
  std::vector<Problem> problems;
  const Migration* find(const Version& v) const;
};
MigrationSet load_migrations(const std::string& dir);

// A directory without a single migration (nor a bad file) is a problem for every command that
// would otherwise report "nothing to do": a CI job started in the wrong directory must fail.
std::optional<Problem> check_not_empty(const MigrationSet& set, const std::string& dir);

}  // namespace tide
