# What `tide --version` reports beyond the version: the git commit (refreshed on every build,
# without recompiling more than one file when it changes) and the versions of libpq,
# libpg_query and libpqxx tide was built with. Included from src/version/CMakeLists.txt.

# libpg_query has no version macro; its soname carries it: libpg_query.so.1504.0.0 is 15-4.0.0.
get_filename_component(_pg_query_real "${PG_QUERY_LIBRARY}" REALPATH)
set(TIDE_PG_QUERY_VERSION "")
if(_pg_query_real MATCHES "\\.so\\.([0-9]+)([0-9][0-9])\\.([0-9]+)\\.([0-9]+)$")
  math(EXPR _pgq_major "${CMAKE_MATCH_2}")
  set(TIDE_PG_QUERY_VERSION "${CMAKE_MATCH_1}-${_pgq_major}.${CMAKE_MATCH_3}.${CMAKE_MATCH_4}")
endif()

set(TIDE_GIT_COMMIT "" CACHE STRING "Commit to report when building outside a git checkout")
set(_commit_header ${CMAKE_BINARY_DIR}/generated/tide/commit.hpp)
add_custom_target(tide_commit
  COMMAND ${CMAKE_COMMAND} -DSOURCE_DIR=${CMAKE_SOURCE_DIR} -DOUT=${_commit_header}
          -DFALLBACK=${TIDE_GIT_COMMIT} -P ${CMAKE_SOURCE_DIR}/cmake/write_commit.cmake
  BYPRODUCTS ${_commit_header}
  COMMENT "Reading the git commit"
  VERBATIM)
add_dependencies(tide_version tide_commit)

target_compile_definitions(tide_version PRIVATE
  "TIDE_LIBPQ_VERSION=\"${PQ_VERSION}\"" "TIDE_PG_QUERY_VERSION=\"${TIDE_PG_QUERY_VERSION}\"")
