# Writes OUTPUT, a header holding the text of INPUT as `inline constexpr char NAME[]` in
# namespace tide::embedded, so SQL is kept as SQL and still read at build time, not at run time.
# Usage: cmake -DINPUT=file.sql -DOUTPUT=file.hpp -DNAME=kSomething -P EmbedText.cmake
file(READ "${INPUT}" text)
string(FIND "${text}" ")tide_embed\"" clash)
if(NOT clash EQUAL -1)
  message(FATAL_ERROR "${INPUT} contains the raw-string delimiter )tide_embed\"")
endif()
file(WRITE "${OUTPUT}.tmp"
  "// Generated from ${INPUT} by cmake/EmbedText.cmake: edit that file, not this one.\n"
  "#pragma once\n\nnamespace tide::embedded {\n"
  "inline constexpr char ${NAME}[] = R\"tide_embed(${text})tide_embed\";\n"
  "}  // namespace tide::embedded\n")
configure_file("${OUTPUT}.tmp" "${OUTPUT}" COPYONLY)  # rewritten only when it differs
file(REMOVE "${OUTPUT}.tmp")
