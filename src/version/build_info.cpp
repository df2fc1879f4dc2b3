// The facts behind `tide --version`: compile-time versions (from the build) and the libpq
// actually loaded (a relocatable install may run against another one).
#include "tide/version/build_info.hpp"

#include <fmt/format.h>
#include <libpq-fe.h>
#include <pg_query.h>

#include <pqxx/version>

#include "tide/commit.hpp"
#include "tide/version.hpp"

#ifndef TIDE_LIBPQ_VERSION
#define TIDE_LIBPQ_VERSION ""
#endif
#ifndef TIDE_PG_QUERY_VERSION
#define TIDE_PG_QUERY_VERSION ""
#endif

namespace tide {

namespace {

// PQlibVersion(): 150018 → "15.18" (PostgreSQL ≥ 10 numbering).
std::string libpq_version_text(int number) {
  return fmt::format("{}.{}", number / 10000, number % 10000);
}

}  // namespace

BuildInfo build_info() {
  BuildInfo info;
  info.version = kVersion;
  info.commit = TIDE_GIT_COMMIT;
  info.libpq = TIDE_LIBPQ_VERSION;
  info.libpq_loaded = libpq_version_text(PQlibVersion());
  info.libpg_query = TIDE_PG_QUERY_VERSION;
  info.pg_parser = PG_VERSION;
  info.libpqxx = PQXX_VERSION;
  return info;
}

std::string version_text(const BuildInfo& info) {
  std::string text = fmt::format("tide {} (commit {})\n", info.version, info.commit);
  std::string libpq = info.libpq.empty() ? info.libpq_loaded : info.libpq;
  if (!info.libpq.empty() && info.libpq != info.libpq_loaded)
    libpq += fmt::format(" (loaded: {})", info.libpq_loaded);
  const std::string pg_query = info.libpg_query.empty() ? "" : info.libpg_query + " ";
  text += fmt::format("built with libpq {}, libpg_query {}(PostgreSQL {} parser), libpqxx {}",
                      libpq, pg_query, info.pg_parser, info.libpqxx);
  return text;
}

}  // namespace tide
