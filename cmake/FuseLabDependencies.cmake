# Every dependency comes from a Debian 12 package (scripts/install-deps.sh installs them).
find_package(Threads REQUIRED)
find_package(OpenCV 4 REQUIRED COMPONENTS core imgproc imgcodecs photo calib3d features2d video)
find_package(OpenEXR 3 REQUIRED)
find_package(exiv2 REQUIRED)
find_package(nlohmann_json 3 REQUIRED)
find_package(OpenSSL REQUIRED)
find_package(JPEG REQUIRED)
find_package(TIFF REQUIRED)
find_package(PNG REQUIRED)
find_package(ZLIB REQUIRED)
find_package(PkgConfig REQUIRED)
find_package(CLI11 CONFIG REQUIRED)
# Camera RAW: LibRaw (pkg-config; the reentrant build, as readers run on several threads).
pkg_check_modules(LibRaw REQUIRED IMPORTED_TARGET libraw_r)
# Colour management: Little CMS 2 (ICC profiles in and out, working-space conversions).
pkg_check_modules(LCMS2 REQUIRED IMPORTED_TARGET lcms2)
# Events: HDF5 (C API, CMake's FindHDF5), LZ4 (pkg-config only), ZSTD (config), FlatBuffers
# (config; flatc generates the AEDAT 4.0 headers at build time).
find_package(HDF5 REQUIRED COMPONENTS C)
pkg_check_modules(LZ4 REQUIRED IMPORTED_TARGET liblz4)
find_package(zstd CONFIG REQUIRED)
find_package(FlatBuffers CONFIG REQUIRED)
