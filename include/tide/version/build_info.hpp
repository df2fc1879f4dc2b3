// What this binary is and what it was built with, for `tide --version` and bug reports.
#pragma once

#include <string>

namespace tide {

struct BuildInfo {
  std::string version;       // tide's own, e.g. 0.1.0
  std::string commit;        // git commit (12 hex digits, "-dirty" when built with changes)
  std::string libpq;         // libpq tide was compiled against
  std::string libpq_loaded;  // libpq loaded now (differs when the system's is another)
  std::string libpg_query;   // e.g. 15-4.0.0
  std::string pg_parser;     // PostgreSQL version of libpg_query's parser, e.g. 15.1
  std::string libpqxx;
};

BuildInfo build_info();

// `tide --version`: "tide VERSION (commit C)" and a line naming the libraries.
std::string version_text(const BuildInfo& info);

}  // namespace tide
