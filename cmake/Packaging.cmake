# Everything a user installs besides the binary, made at build time from the binary itself:
# the man page (help2man over `tide --help` and every `tide CMD --help`) and the bash, zsh
# and fish completions (`tide completion SHELL`, walked from the CLI definition). Then the
# install layout and the Debian package (CPack DEB, dependencies from dpkg-shlibdeps).
# scripts/package builds the .deb and the relocatable tarball from this.
include(GNUInstallDirs)

set(TIDE_MAN_PAGE ${CMAKE_BINARY_DIR}/man/tide.1)
set(TIDE_COMPLETIONS
  ${CMAKE_BINARY_DIR}/completions/tide.bash
  ${CMAKE_BINARY_DIR}/completions/_tide
  ${CMAKE_BINARY_DIR}/completions/tide.fish)

find_program(HELP2MAN help2man)
if(NOT HELP2MAN)
  message(WARNING "help2man not found (scripts/bootstrap installs it): no man page is built")
else()
  add_custom_command(OUTPUT ${TIDE_MAN_PAGE} ${TIDE_MAN_PAGE}.gz
    COMMAND ${CMAKE_COMMAND} -E make_directory ${CMAKE_BINARY_DIR}/man
    COMMAND ${CMAKE_COMMAND} -DTIDE=$<TARGET_FILE:tide> -DOUT=${CMAKE_BINARY_DIR}/man/commands.h2m
            -P ${CMAKE_SOURCE_DIR}/cmake/man_commands.cmake
    COMMAND ${CMAKE_COMMAND} -E env NO_COLOR=1
            ${HELP2MAN} --no-info --no-discard-stderr --section=1
            --name=schema\ migrations\ for\ PostgreSQL\ and\ Aurora,\ the\ expand/contract\ way
            --help-option=--help --version-option=--version
            --include=${CMAKE_SOURCE_DIR}/docs/man/tide.h2m
            --include=${CMAKE_BINARY_DIR}/man/commands.h2m
            --output=${TIDE_MAN_PAGE} $<TARGET_FILE:tide>
    COMMAND gzip -9nkf ${TIDE_MAN_PAGE}
    DEPENDS tide ${CMAKE_SOURCE_DIR}/docs/man/tide.h2m ${CMAKE_SOURCE_DIR}/cmake/man_commands.cmake
    COMMENT "Generating the man page with help2man")
  add_custom_target(tide_man ALL DEPENDS ${TIDE_MAN_PAGE})
  install(FILES ${TIDE_MAN_PAGE}.gz DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)
endif()

add_custom_command(OUTPUT ${TIDE_COMPLETIONS}
  COMMAND ${CMAKE_COMMAND} -E make_directory ${CMAKE_BINARY_DIR}/completions
  COMMAND sh -c "\"$1\" completion bash >\"$2/tide.bash\" && \"$1\" completion zsh >\"$2/_tide\" && \"$1\" completion fish >\"$2/tide.fish\""
          sh $<TARGET_FILE:tide> ${CMAKE_BINARY_DIR}/completions
  DEPENDS tide
  COMMENT "Generating the shell completions"
  VERBATIM)
add_custom_target(tide_completions ALL DEPENDS ${TIDE_COMPLETIONS})

install(FILES ${CMAKE_BINARY_DIR}/completions/tide.bash
  DESTINATION ${CMAKE_INSTALL_DATADIR}/bash-completion/completions RENAME tide)
install(FILES ${CMAKE_BINARY_DIR}/completions/_tide
  DESTINATION ${CMAKE_INSTALL_DATADIR}/zsh/vendor-completions)
install(FILES ${CMAKE_BINARY_DIR}/completions/tide.fish
  DESTINATION ${CMAKE_INSTALL_DATADIR}/fish/vendor_completions.d)
install(FILES ${CMAKE_SOURCE_DIR}/README.md DESTINATION ${CMAKE_INSTALL_DOCDIR})
install(FILES ${CMAKE_SOURCE_DIR}/LICENSE DESTINATION ${CMAKE_INSTALL_DOCDIR} RENAME copyright)
install(DIRECTORY ${CMAKE_SOURCE_DIR}/docs/ DESTINATION ${CMAKE_INSTALL_DOCDIR}
  PATTERN man EXCLUDE)

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME tide)
set(CPACK_PACKAGE_VENDOR "The tide developers")
set(CPACK_PACKAGE_CONTACT "The tide developers <tide@localhost>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "schema migrations for PostgreSQL and Aurora, the expand/contract way")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)  # tide_VERSION_ARCH.deb
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_SECTION database)
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS ca-certificates)  # TLS to RDS and AWS STS
set(CPACK_DEBIAN_PACKAGE_SUGGESTS postgresql-client)
# CPack puts the summary first and indents these lines itself.
set(CPACK_DEBIAN_PACKAGE_DESCRIPTION
  "tide runs ordered SQL migration files split into expand, backfill and contract
phases, records them in a metadata table, lints them against PostgreSQL's own
parse tree and authenticates to RDS/Aurora with short-lived IAM tokens.")
set(CPACK_DEBIAN_COMPRESSION_TYPE xz)
include(CPack)
