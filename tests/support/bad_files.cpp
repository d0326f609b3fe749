#include "bad_files.hpp"

#include "test_support.hpp"

#include "fuselab/io.hpp"

#include <zlib.h>

namespace fuselab::test {
namespace {

void appendBe32(std::vector<unsigned char>& v, unsigned x)
{
    v.push_back((unsigned char)(x >> 24));
    v.push_back((unsigned char)(x >> 16));
    v.push_back((unsigned char)(x >> 8));
    v.push_back((unsigned char)x);
}

void appendChunk(std::vector<unsigned char>& png, const char* type, const std::vector<unsigned char>& data)
{
    appendBe32(png, unsigned(data.size()));
    std::vector<unsigned char> typed(type, type + 4);
    typed.insert(typed.end(), data.begin(), data.end());
    png.insert(png.end(), typed.begin(), typed.end());
    appendBe32(png, unsigned(crc32(0L, typed.data(), uInt(typed.size()))));
}

std::vector<std::uint8_t> truncated(const std::vector<std::uint8_t>& bytes, double keep)
{
    return std::vector<std::uint8_t>(bytes.begin(), bytes.begin() + std::ptrdiff_t(double(bytes.size()) * keep));
}

} // namespace

std::vector<unsigned char> pngWithClaimedSize(unsigned widthPx, unsigned heightPx)
{
    std::vector<unsigned char> png = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
    std::vector<unsigned char> ihdr;
    appendBe32(ihdr, widthPx);
    appendBe32(ihdr, heightPx);
    ihdr.insert(ihdr.end(), {8, 2, 0, 0, 0}); // 8-bit RGB
    appendChunk(png, "IHDR", ihdr);
    appendChunk(png, "IDAT", {0x78, 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01});
    appendChunk(png, "IEND", {});
    return png;
}

std::vector<BadFile> writeBadFiles(const std::string& folder)
{
    std::vector<BadFile> bad;
    const std::string good = folder + "/good";
    const Image pattern = makePattern(256, 192, 3);
    writeImage(good + ".jpg", pattern);
    writeImage(good + ".png", pattern);
    WriteOptions exr;
    exr.exrType = ExrPixelType::Float;
    writeImage(good + ".exr", pattern, exr);

    writeBytes(folder + "/empty.jpg", {});
    bad.push_back({"empty.jpg", "empty file"});

    writeBytes(folder + "/truncated.jpg", truncated(readBytes(good + ".jpg"), 0.6));
    bad.push_back({"truncated.jpg", "truncated JPEG"});

    writeBytes(folder + "/truncated.png", truncated(readBytes(good + ".png"), 0.6));
    bad.push_back({"truncated.png", "truncated PNG"});

    writeBytes(folder + "/truncated.exr", truncated(readBytes(good + ".exr"), 0.6));
    bad.push_back({"truncated.exr", "OpenEXR"});

    writeBytes(folder + "/header-only.exr", truncated(readBytes(good + ".exr"), 0.02));
    bad.push_back({"header-only.exr", "OpenEXR"});

    const std::string text = "this is not an image, just some notes\n";
    writeBytes(folder + "/notes.exr", std::vector<std::uint8_t>(text.begin(), text.end()));
    bad.push_back({"notes.exr", "not a valid OpenEXR file"});

    writeBytes(folder + "/huge.png", pngWithClaimedSize(100000, 100000));
    bad.push_back({"huge.png", "100000x100000"});

    // A JPEG whose frame header claims 65535 × 65535 (4.3 gigapixels).
    std::vector<std::uint8_t> jpeg = readBytes(good + ".jpg");
    for (std::size_t i = 2; i + 9 < jpeg.size(); ++i)
        if (jpeg[i] == 0xFF && (jpeg[i + 1] == 0xC0 || jpeg[i + 1] == 0xC2)) {
            jpeg[i + 5] = jpeg[i + 6] = jpeg[i + 7] = jpeg[i + 8] = 0xFF;
            break;
        }
    writeBytes(folder + "/huge.jpg", jpeg);
    bad.push_back({"huge.jpg", "65535x65535"});

    // Scan data overwritten in the middle (not truncated): libjpeg's "corrupt data" warnings.
    std::vector<std::uint8_t> corrupt = readBytes(good + ".jpg");
    for (std::size_t i = corrupt.size() / 2; i < corrupt.size() / 2 + 400 && i + 2 < corrupt.size(); ++i)
        corrupt[i] = std::uint8_t((i * 37) & 0xFE);
    writeBytes(folder + "/corrupt.jpg", corrupt);
    bad.push_back({"corrupt.jpg", "JPEG data"});

    writeBytes(folder + "/unknown.bin", {0x00, 0x01, 0x02, 0x03, 0x04, 0x05});
    bad.push_back({"unknown.bin", "not a JPEG, PNG, TIFF, OpenEXR, Radiance HDR or camera RAW image"});
    return bad;
}

} // namespace fuselab::test
