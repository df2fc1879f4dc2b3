# cmake -DSOURCE_DIR=… -DOUT=… [-DFALLBACK=…] -P write_commit.cmake
# Writes the header with the current commit ("…-dirty" with uncommitted changes to tracked
# files); rewrites it only when that changes, so an unchanged commit rebuilds nothing.
execute_process(COMMAND git -C "${SOURCE_DIR}" rev-parse --short=12 HEAD
  OUTPUT_VARIABLE commit OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET RESULT_VARIABLE rc)
if(rc EQUAL 0 AND commit)
  execute_process(COMMAND git -C "${SOURCE_DIR}" status --porcelain --untracked-files=no
    OUTPUT_VARIABLE changes ERROR_QUIET)
  if(changes)
    string(APPEND commit "-dirty")
  endif()
elseif(FALLBACK)
  set(commit "${FALLBACK}")
else()
  set(commit "unknown")
endif()
file(CONFIGURE OUTPUT "${OUT}" CONTENT
  "// Generated at build time by cmake/write_commit.cmake.\n#pragma once\n#define TIDE_GIT_COMMIT \"${commit}\"\n")
