# tide's layers: one static library per folder of src/, each stating which layers and which
# Debian libraries it uses, PUBLIC when its headers in include/tide/<layer>/ expose them,
# PRIVATE when only its sources do. The order of layers, bottom up:
#
#   util  ->  migration  ->  lint  config  plan  aws  ->  db  ->  adopt  ->  cli
#                                 report (plans and run results: plan only)   version
#
# Debian installs every library's headers under /usr/include, so the compiler alone cannot
# stop a source from including a header its layer does not link. tide_layer() therefore
# writes each layer's declared dependencies to layers.json, and the ctest "build: layers"
# (tests/layers_check.py) fails when a file includes a tide layer or a library its layer does
# not declare.

set_property(GLOBAL PROPERTY TIDE_LAYERS_JSON "")

# tide_layer(<name> [PUBLIC_LAYERS ...] [PRIVATE_LAYERS ...] [PUBLIC_LIBS ...] [PRIVATE_LIBS ...])
# Called from src/<name>/CMakeLists.txt: builds tide_<name> from the folder's .cpp files.
function(tide_layer name)
  cmake_parse_arguments(L "" "" "PUBLIC_LAYERS;PRIVATE_LAYERS;PUBLIC_LIBS;PRIVATE_LIBS" ${ARGN})
  file(GLOB sources CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/*.cpp)
  add_library(tide_${name} STATIC ${sources})
  target_include_directories(tide_${name} PRIVATE ${CMAKE_SOURCE_DIR}/src)
  set(public_targets tide_base)
  foreach(dep ${L_PUBLIC_LAYERS})
    list(APPEND public_targets tide_${dep})
  endforeach()
  set(private_targets "")
  foreach(dep ${L_PRIVATE_LAYERS})
    list(APPEND private_targets tide_${dep})
  endforeach()
  target_link_libraries(tide_${name} PUBLIC ${public_targets} ${L_PUBLIC_LIBS}
                                      PRIVATE ${private_targets} ${L_PRIVATE_LIBS})
  tide_record_layer(${name} "${L_PUBLIC_LAYERS}" "${L_PRIVATE_LAYERS}" "${L_PUBLIC_LIBS}"
                    "${L_PRIVATE_LIBS}")
endfunction()

function(_tide_json_list out)
  set(items "")
  foreach(item ${ARGN})
    list(APPEND items "\"${item}\"")
  endforeach()
  list(JOIN items ", " joined)
  set(${out} "[${joined}]" PARENT_SCOPE)
endfunction()

function(tide_record_layer name public_layers private_layers public_libs private_libs)
  _tide_json_list(pl ${public_layers})
  _tide_json_list(vl ${private_layers})
  _tide_json_list(pb ${public_libs})
  _tide_json_list(vb ${private_libs})
  set(entry "\"${name}\": {\"public_layers\": ${pl}, \"private_layers\": ${vl}, \"public_libs\": ${pb}, \"private_libs\": ${vb}}")
  get_property(all GLOBAL PROPERTY TIDE_LAYERS_JSON)
  if(all)
    set(all "${all},\n  ${entry}")
  else()
    set(all "  ${entry}")
  endif()
  set_property(GLOBAL PROPERTY TIDE_LAYERS_JSON "${all}")
endfunction()

function(tide_write_layers_json path)
  get_property(all GLOBAL PROPERTY TIDE_LAYERS_JSON)
  file(WRITE ${path} "{\n${all}\n}\n")
endfunction()
