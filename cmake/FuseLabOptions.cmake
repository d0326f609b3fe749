# User-facing build switches. Defaults build everything a desktop user gets.
option(FUSELAB_WITH_TORCH "Build the LibTorch-based learned fusion library (core/learn)" ON)
option(FUSELAB_WITH_GUI "Build the Qt 6 desktop application (ui/, fuselab)" ON)
option(FUSELAB_BUILD_TESTS "Build the test suite (ctest labels unit, golden, contract, badinput, gui, torch)" ON)
option(FUSELAB_BUILD_BENCHMARKS "Build the benchmark programs (ctest label benchmark, not in the default run)" ON)
option(FUSELAB_BUILD_FUZZERS "Build libFuzzer targets of the event readers with clang (ctest label fuzz, not in the default run)" OFF)
option(FUSELAB_USE_CCACHE "Use ccache as the compiler launcher when it is installed" ON)

if(NOT CMAKE_BUILD_TYPE AND NOT CMAKE_CONFIGURATION_TYPES)
  set(CMAKE_BUILD_TYPE Release CACHE STRING "Build type" FORCE)
endif()

# Where the shared test data lives (../shared/data next to the checkout); tests skip when absent.
set(FUSELAB_SHARED_DATA_DIR "${PROJECT_SOURCE_DIR}/../shared/data" CACHE PATH
    "Folder of real test data (brackets/, exr/, events/); tests that need it skip when absent")
