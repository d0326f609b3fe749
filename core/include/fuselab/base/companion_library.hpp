// Loading a companion shared library on first use (dlopen) instead of linking it, for
// dependencies that are costly at every start of every process: LibTorch (core/learn: about
// 0.5 s) and OpenCV's image codecs (libopencv_imgcodecs pulls in about 110 libraries, GDAL and
// GDCM among them: 60–90 ms of each start, measured on the 2-core build machine, paid by
// `fuselab-cli fuse`/`merge` although JPEG, TIFF and EXR have their own direct codecs).
#pragma once

#include <functional>
#include <string>

namespace fuselab {

struct CompanionSymbol {
    void* address = nullptr; ///< the symbol; null when nothing loaded
    std::string path;        ///< where it was found, or the last candidate tried
    std::string error;       ///< why nothing loaded (empty on success)
};

/// Tries, in order: the path in $envVariable (when set and non-empty), `fileName` in the folder
/// of the shared object that contains `anchor` (pass the address of a function of the calling
/// library, so build trees and installs alike find their neighbour), then the dynamic linker's
/// own search for `fileName`. Returns `symbol` from the first library that loads and that
/// `accept` (may be empty) does not reject: it returns "" to accept or the reason to reject
/// (an interface-version check). The library stays loaded for the life of the process.
/// Never throws; thread-safe.
CompanionSymbol loadCompanionSymbol(const void* anchor, const std::string& fileName, const char* envVariable, const char* symbol,
                                    const std::function<std::string(void* address)>& accept = {});

} // namespace fuselab
