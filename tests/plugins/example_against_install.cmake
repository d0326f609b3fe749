# ctest script: install this build into a scratch prefix, build plugins/example on its own
# against it with find_package(FuseLab), and check that the installed fuselab-cli loads it
# from FUSELAB_PLUGIN_PATH and runs it. Guards FuseLabConfig.cmake, the export set, the
# installed headers and fuselab_add_plugin() — what a plugin author outside the tree uses.
#
# -DBUILD_DIR=<FuseLab build> -DSOURCE_DIR=<checkout> -DWORK_DIR=<scratch> -DGENERATOR=<gen>
foreach(var BUILD_DIR SOURCE_DIR WORK_DIR GENERATOR)
  if(NOT DEFINED ${var})
    message(FATAL_ERROR "${var} is not set")
  endif()
endforeach()

file(REMOVE_RECURSE "${WORK_DIR}")
set(prefix "${WORK_DIR}/prefix")
execute_process(COMMAND "${CMAKE_COMMAND}" --install "${BUILD_DIR}" --prefix "${prefix}"
                RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT rc EQUAL 0)
  if(err MATCHES "file INSTALL cannot find")
    # Only some targets were built (e.g. `ninja fuselab-cli fuselab_unit_tests`); `cmake --build`
    # builds them all.
    message("SKIPPED: the build is incomplete, so it cannot be installed:\n${err}")
    return()
  endif()
  message(FATAL_ERROR "cmake --install failed:\n${out}\n${err}")
endif()

execute_process(COMMAND "${CMAKE_COMMAND}" -S "${SOURCE_DIR}/plugins/example" -B "${WORK_DIR}/example" -G "${GENERATOR}"
                        -DCMAKE_BUILD_TYPE=Release "-DCMAKE_PREFIX_PATH=${prefix}"
                RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "configuring the example against the install failed:\n${out}\n${err}")
endif()
execute_process(COMMAND "${CMAKE_COMMAND}" --build "${WORK_DIR}/example"
                RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "building the example against the install failed:\n${out}\n${err}")
endif()

set(plugin_dir "${WORK_DIR}/example/plugins")
execute_process(COMMAND "${CMAKE_COMMAND}" -E env "FUSELAB_PLUGIN_PATH=${plugin_dir}"
                        "${prefix}/bin/fuselab-cli" plugins --json
                RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "the installed fuselab-cli did not list the plugin:\n${out}\n${err}")
endif()
string(JSON count LENGTH "${out}" plugins)
set(found FALSE)
math(EXPR last "${count} - 1")
foreach(i RANGE ${last})
  string(JSON path GET "${out}" plugins ${i} path)
  string(JSON status GET "${out}" plugins ${i} status)
  string(JSON message GET "${out}" plugins ${i} message)
  if(path MATCHES "example_bw_mixer.so$")
    set(found TRUE)
    if(NOT status STREQUAL "loaded")
      message(FATAL_ERROR "the example plugin was refused: ${message}")
    endif()
  endif()
endforeach()
if(NOT found)
  message(FATAL_ERROR "the example plugin was not found in ${plugin_dir}:\n${out}")
endif()

execute_process(COMMAND "${prefix}/bin/fuselab-cli" synth --scene patches --size 32x24 --exposures 1 -o "${WORK_DIR}/synth" --quiet
                RESULT_VARIABLE rc ERROR_VARIABLE err)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "synth failed: ${err}")
endif()
execute_process(COMMAND "${CMAKE_COMMAND}" -E env "FUSELAB_PLUGIN_PATH=${plugin_dir}"
                        "${prefix}/bin/fuselab-cli" run example-bw-mixer --quiet -o "${WORK_DIR}/grey.png"
                        "${WORK_DIR}/synth/exposure_00.png"
                RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT rc EQUAL 0 OR NOT EXISTS "${WORK_DIR}/grey.png")
  message(FATAL_ERROR "running the example plugin from the install failed:\n${out}\n${err}")
endif()
file(REMOVE_RECURSE "${WORK_DIR}")
message("the example plugin builds against the install and runs")
