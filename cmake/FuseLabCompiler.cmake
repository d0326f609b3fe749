set(CMAKE_CXX_STANDARD 17)
set(CMAKE_CXX_STANDARD_REQUIRED ON)
set(CMAKE_CXX_EXTENSIONS OFF)
set(CMAKE_POSITION_INDEPENDENT_CODE ON)
set(CMAKE_EXPORT_COMPILE_COMMANDS ON)

if(FUSELAB_USE_CCACHE)
  find_program(FUSELAB_CCACHE ccache)
  if(FUSELAB_CCACHE)
    set(CMAKE_C_COMPILER_LAUNCHER "${FUSELAB_CCACHE}")
    set(CMAKE_CXX_COMPILER_LAUNCHER "${FUSELAB_CCACHE}")
  endif()
endif()

# Qt's signals/slots keywords clash with LibTorch headers (ivalue_inl.h has a slots() method).
add_compile_definitions(QT_NO_KEYWORDS)

if(CMAKE_CXX_COMPILER_ID MATCHES "GNU|Clang")
  add_compile_options(-Wall -Wextra -Wno-unused-parameter)
  # Nothing here reads errno after maths calls or relies on floating-point traps; without
  # these, GCC keeps sqrt calls and float→int conversions out of vectorised loops.
  add_compile_options(-fno-math-errno -fno-trapping-math)
endif()

# Hot loops are written so the compiler can vectorise them; -O3 lets it.
string(REPLACE "-O2" "-O3" CMAKE_CXX_FLAGS_RELEASE "${CMAKE_CXX_FLAGS_RELEASE}")
string(REPLACE "-O2" "-O3" CMAKE_CXX_FLAGS_RELWITHDEBINFO "${CMAKE_CXX_FLAGS_RELWITHDEBINFO}")

# Installed layout: programs in bin/, our shared libraries and plugins in lib/fuselab/,
# found relative to the executable so an installed tree never points into the build tree.
include(GNUInstallDirs)
set(FUSELAB_INSTALL_LIBDIR "${CMAKE_INSTALL_LIBDIR}/fuselab")
set(FUSELAB_INSTALL_PLUGINDIR "${CMAKE_INSTALL_LIBDIR}/fuselab/plugins")
set(FUSELAB_INSTALL_DATADIR "${CMAKE_INSTALL_DATADIR}/fuselab")
set(CMAKE_INSTALL_RPATH "$ORIGIN/../${FUSELAB_INSTALL_LIBDIR};$ORIGIN")
