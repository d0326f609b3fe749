// Private: what a file's bytes say about its colour, and the chunks/segments that say it in a
// written file. Pure byte work (no Little CMS): JPEG APP2 ICC_PROFILE segments, PNG iCCP,
// cICP, sRGB, gAMA and cHRM chunks (PNG 3rd edition; libpng 1.6.39 has no cICP API), TIFF's
// ICC tag and OpenEXR's chromaticities attribute.
#pragma once

#include "fuselab/io.hpp"

#include <array>
#include <cstdint>
#include <optional>
#include <vector>

namespace fuselab::detail {

/// CIE 1931 xy of the red, green and blue primaries and the white point.
struct Chromaticities {
    double rx = 0, ry = 0, gx = 0, gy = 0, bx = 0, by = 0, wx = 0, wy = 0;
};
Chromaticities chromaticitiesOf(RgbPrimaries primaries);
/// The named primaries these chromaticities are (each coordinate within 0.001), if any.
std::optional<RgbPrimaries> matchPrimaries(const Chromaticities& c);

/// Coding-independent code points (ITU-T H.273): colour primaries, transfer characteristics,
/// matrix coefficients, video full-range flag.
struct Cicp {
    int primaries = 0, transfer = 0, matrix = 0, fullRange = 1;
};
/// H.273 code points FuseLab reads and writes.
namespace cicp {
inline constexpr int kPrimariesRec709 = 1, kPrimariesRec2020 = 9, kPrimariesDisplayP3 = 12;
inline constexpr int kTransferBt709 = 1, kTransferLinear = 8, kTransferSrgb = 13, kTransferPq = 16, kTransferHlg = 18;
} // namespace cicp

/// Everything a file says about its colour; all empty for an untagged file.
struct FileColour {
    std::vector<std::uint8_t> icc;
    std::optional<Cicp> cicp;                     ///< PNG cICP
    bool srgbChunk = false;                       ///< PNG sRGB
    std::optional<double> fileGamma;              ///< PNG gAMA: encoded = linear^fileGamma
    std::optional<Chromaticities> chromaticities; ///< PNG cHRM, OpenEXR chromaticities
    bool exifAdobeRgb = false;                    ///< EXIF ColorSpace 0xFFFF + InteroperabilityIndex R03 (set by the reader)
};

/// Reads the colour tags of a file of the given (sniffed) format. Damaged tags are skipped
/// (the pixels still decode); never throws for missing tags.
FileColour readFileColour(FileFormat format, const std::uint8_t* data, std::size_t size);

/// TIFF's ICC profile tag (empty when absent), OpenEXR's chromaticities attribute.
std::vector<std::uint8_t> tiffIccProfile(const std::uint8_t* data, std::size_t size);
std::optional<Chromaticities> exrChromaticities(const std::uint8_t* data, std::size_t size);

/// An encoded PNG with iCCP (when `icc` is not empty) and cICP chunks inserted after IHDR.
std::vector<std::uint8_t> withPngColourChunks(const std::vector<std::uint8_t>& png, const std::vector<std::uint8_t>& icc,
                                              const std::optional<Cicp>& cicp);
/// An encoded JPEG with the ICC profile in APP2 ICC_PROFILE segments after SOI and APP0/APP1.
std::vector<std::uint8_t> withJpegIccProfile(const std::vector<std::uint8_t>& jpeg, const std::vector<std::uint8_t>& icc);

} // namespace fuselab::detail
