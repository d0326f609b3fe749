// decodeWithOpenCv/encodeWithOpenCv for fuselab_core: forwards to the companion library
// libfuselab_opencv_codecs.so, loaded on the first PNG, Radiance HDR (or unusual TIFF) read
// or write, so that processes that never touch those formats do not load OpenCV's imgcodecs
// and the ~110 libraries it depends on (companion_library.hpp).
#include "codecs.hpp"

#include "fuselab/base/companion_library.hpp"
#include "fuselab/base/error.hpp"

namespace fuselab::detail {
namespace {

constexpr const char* kCodecLibrary = "libfuselab_opencv_codecs.so";

void anchor() {} // an address inside libfuselab_core: the companion lies in the same folder

using EntryFn = const OpenCvCodecTable* (*)(int);

const OpenCvCodecTable& codecs()
{
    static const CompanionSymbol found = loadCompanionSymbol(
        reinterpret_cast<const void*>(&anchor), kCodecLibrary, "FUSELAB_OPENCV_CODECS_LIBRARY", "fuselab_opencv_codecs",
        [](void* address) -> std::string {
            return reinterpret_cast<EntryFn>(address)(kOpenCvCodecAbiVersion) ? std::string()
                                                                             : std::string("built for another FuseLab version");
        });
    if (!found.address) throw Error(found.path, "cannot load the PNG/TIFF/HDR codec library: " + found.error);
    return *reinterpret_cast<EntryFn>(found.address)(kOpenCvCodecAbiVersion);
}

} // namespace

SampleImage decodeWithOpenCv(FileFormat format, const std::uint8_t* data, std::size_t size)
{
    return codecs().decode(format, data, size);
}

std::vector<std::uint8_t> encodeWithOpenCv(FileFormat format, const SampleImage& image, const WriteOptions& options)
{
    return codecs().encode(format, image, options);
}

} // namespace fuselab::detail
