# cmake -DTIDE=path/to/tide -DOUT=file.h2m -P man_commands.cmake
# Writes a help2man include with a COMMANDS section: for every command `tide --help` lists,
# its `tide CMD --help`, so the man page covers each command with its own options.
get_filename_component(bindir "${TIDE}" DIRECTORY)
set(ENV{PATH} "${bindir}:$ENV{PATH}")  # so the usage lines say `tide`, not the build path
set(ENV{NO_COLOR} 1)
execute_process(COMMAND tide --help OUTPUT_VARIABLE help RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "tide --help failed")
endif()
string(REGEX REPLACE ".*\n[A-Za-z ]*ommands:\n" "" listing "${help}")
string(REGEX MATCHALL "(^|\n)  [a-z][a-z0-9-]*" names "${listing}")
set(text "[COMMANDS]\nGlobal options go before or after the command.\n")
foreach(name ${names})
  string(STRIP "${name}" name)
  execute_process(COMMAND tide ${name} --help OUTPUT_VARIABLE cmd_help RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "tide ${name} --help failed")
  endif()
  string(REPLACE "\\" "\\e" cmd_help "${cmd_help}")
  string(REGEX REPLACE "(^|\n)([.'])" "\\1\\\\&\\2" cmd_help "${cmd_help}")
  string(APPEND text ".SS \"tide ${name}\"\n.nf\n${cmd_help}.fi\n")
endforeach()
file(WRITE "${OUT}" "${text}")
