# cmake -DTIDE=path/to/tide -DOUT=file.h2m -P man_commands.cmake
# Writes a help2man include with a COMMANDS section: for every command tide defines, its
# `tide CMD --help`, so the man page covers each command with its own options.
get_filename_component(bindir "${TIDE}" DIRECTORY)
set(ENV{PATH} "${bindir}:$ENV{PATH}")  # so the usage lines say `tide`, not the build path
set(ENV{NO_COLOR} 1)
# The command list comes from the CLI definition itself (the walk behind `tide completion`),
# not from the layout of `tide --help`.
execute_process(COMMAND tide completion fish OUTPUT_VARIABLE fish RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "tide completion fish failed")
endif()
string(REGEX MATCHALL "__fish_use_subcommand -a [a-z][a-z0-9-]*" names "${fish}")
list(TRANSFORM names REPLACE "__fish_use_subcommand -a " "")
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
