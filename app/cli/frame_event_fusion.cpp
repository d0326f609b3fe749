#include "frame_event_fusion.hpp"

#include "fuselab/colour.hpp"
#include "fuselab/error.hpp"
#include "fuselab/io.hpp"

#include <filesystem>

namespace fuselab::cli {

Image readFrameLinear(const std::string& path)
{
    std::error_code ec;
    if (!std::filesystem::is_regular_file(path, ec)) throw Error(path, "no such file");
    Image image = readImage(path).pixels.toFloat();
    if (image.encoding() != ColourEncoding::Linear && image.encoding() != ColourEncoding::Srgb)
        throw Error(path, "the frame must be sRGB or linear (it is " + std::string(toString(image.encoding())) + ")");
    return withEncoding(image, ColourEncoding::Linear);
}

} // namespace fuselab::cli
