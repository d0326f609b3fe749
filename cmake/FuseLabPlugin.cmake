# fuselab_add_plugin(<target> SOURCES <file>... [OUTPUT_NAME <name>] [NO_INSTALL])
#
# Builds a FuseLab operator plugin: a MODULE library linking FuseLab::core, named <name>.so
# (no "lib" prefix), written to ${FUSELAB_PLUGIN_OUTPUT_DIR} (default <build>/plugins, which
# a FuseLab build tree scans; elsewhere point FUSELAB_PLUGIN_PATH at it) and installed to
# ${FUSELAB_INSTALL_PLUGINDIR} (default <libdir>/fuselab/plugins under the install prefix)
# unless NO_INSTALL is given.
# Used by FuseLab's own plugins and, through find_package(FuseLab), by plugins built outside.
include_guard(GLOBAL)
include(GNUInstallDirs)

if(NOT DEFINED FUSELAB_INSTALL_PLUGINDIR)
  set(FUSELAB_INSTALL_PLUGINDIR "${CMAKE_INSTALL_LIBDIR}/fuselab/plugins")
endif()
if(NOT DEFINED FUSELAB_PLUGIN_OUTPUT_DIR)
  set(FUSELAB_PLUGIN_OUTPUT_DIR "${CMAKE_BINARY_DIR}/plugins")
endif()

function(fuselab_add_plugin target)
  cmake_parse_arguments(ARG "NO_INSTALL" "OUTPUT_NAME" "SOURCES" ${ARGN})
  if(NOT ARG_SOURCES)
    message(FATAL_ERROR "fuselab_add_plugin(${target}): SOURCES is required")
  endif()
  if(NOT ARG_OUTPUT_NAME)
    set(ARG_OUTPUT_NAME ${target})
  endif()
  add_library(${target} MODULE ${ARG_SOURCES})
  target_link_libraries(${target} PRIVATE FuseLab::core)
  target_compile_features(${target} PRIVATE cxx_std_17)
  set_target_properties(${target} PROPERTIES
    PREFIX ""
    OUTPUT_NAME ${ARG_OUTPUT_NAME}
    # Only fuselab_plugin_info needs to be visible (FUSELAB_PLUGIN marks it); hiding the rest
    # keeps a plugin's internals from interposing on anyone else's.
    CXX_VISIBILITY_PRESET hidden
    VISIBILITY_INLINES_HIDDEN ON
    LIBRARY_OUTPUT_DIRECTORY "${FUSELAB_PLUGIN_OUTPUT_DIR}"
    # Installed next to lib/fuselab/libfuselab_core.so; the core is normally loaded already.
    INSTALL_RPATH "$ORIGIN/..")
  if(NOT ARG_NO_INSTALL)
    install(TARGETS ${target} LIBRARY DESTINATION ${FUSELAB_INSTALL_PLUGINDIR})
  endif()
  set_property(GLOBAL APPEND PROPERTY FUSELAB_PLUGIN_TARGETS ${target})
endfunction()
