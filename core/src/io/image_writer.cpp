// writeImage: choose the format by extension, convert samples, encode to a temporary, rename.
#include "atomic_file.hpp"
#include "codecs.hpp"
#include "colour_management.hpp"
#include "../colour/lcms_profiles.hpp"

#include "fuselab/base/colour.hpp"
#include "fuselab/base/error.hpp"
#include "fuselab/io.hpp"
#include "fuselab/version.hpp"
#include "fuselab/base/parallel.hpp"

#include <algorithm>
#include <cmath>

namespace fuselab {

std::string_view toString(ExrCompression c)
{
    static constexpr const char* names[] = {"none", "rle", "zips", "zip", "piz", "pxr24", "b44", "b44a", "dwaa", "dwab"};
    return names[int(c)];
}

ExrCompression exrCompressionFromString(const std::string& name)
{
    for (int i = 0; i <= int(ExrCompression::Dwab); ++i)
        if (toString(ExrCompression(i)) == name) return ExrCompression(i);
    throw Error("unknown EXR compression '" + name + "' (none, rle, zips, zip, piz, pxr24, b44, b44a, dwaa, dwab)");
}

TiffCompression tiffCompressionFromString(const std::string& name)
{
    if (name == "none") return TiffCompression::None;
    if (name == "lzw") return TiffCompression::Lzw;
    if (name == "deflate") return TiffCompression::Deflate;
    throw Error("unknown TIFF compression '" + name + "' (none, lzw, deflate)");
}

namespace {

template <typename T>
ImageBuffer<T> quantise(const Image& encoded, float maxCode)
{
    ImageBuffer<T> out = ImageBuffer<T>::uninitialised(encoded.width(), encoded.height(), encoded.channels(), encoded.encoding());
    const std::size_t n = std::size_t(encoded.width()) * encoded.channels();
    parallelFor(0, encoded.height(), 32, [&](int y0, int y1) {
        for (int y = y0; y < y1; ++y) {
            const float* src = encoded.row(y);
            T* dst = out.row(y);
            for (std::size_t i = 0; i < n; ++i) {
                const float v = std::isnan(src[i]) ? 0.0f : std::clamp(src[i], 0.0f, 1.0f);
                dst[i] = T(v * maxCode + 0.5f);
            }
        }
    });
    return out;
}

FileFormat targetFormat(const std::string& path)
{
    const FileFormat f = formatFromExtension(path);
    if (f == FileFormat::Unknown || f == FileFormat::CameraRaw)
        throw Error(path, std::string(f == FileFormat::CameraRaw ? "camera RAW is an input format only" : "unknown output format") +
                              "; use .png, .tif, .tiff, .jpg, .exr or .hdr");
    return f;
}

void checkChannels(const std::string& path, FileFormat f, int channels)
{
    if (channels == 2) throw Error(path, "two-channel images cannot be written");
    if ((f == FileFormat::Jpeg || f == FileFormat::RadianceHdr) && channels == 4)
        throw Error(path, std::string(f == FileFormat::Jpeg ? "JPEG" : "Radiance HDR") + " has no alpha channel; write PNG, TIFF or EXR");
    if (f == FileFormat::RadianceHdr && channels != 3) throw Error(path, "Radiance HDR output needs a colour (3-channel) image");
}

void writeEncoded(const std::string& path, FileFormat f, const SampleImage& samples, const WriteOptions& options,
                  const detail::OutputColourTag& colour)
{
    detail::AtomicFile file(path);
    try {
        if (f == FileFormat::Tiff) {
            detail::writeTiff(file.tempPath(), samples, options, colour.icc);
        } else {
            std::vector<std::uint8_t> bytes = detail::encodeWithOpenCv(f, samples, options);
            if (f == FileFormat::Png && (!colour.icc.empty() || colour.cicp)) bytes = detail::withPngColourChunks(bytes, colour.icc, colour.cicp);
            if (f == FileFormat::Jpeg && !colour.icc.empty()) bytes = detail::withJpegIccProfile(bytes, colour.icc);
            detail::writeWholeFile(file.tempPath(), bytes);
        }
        if (options.exif && f != FileFormat::RadianceHdr) detail::writeExifExposure(file.tempPath(), *options.exif);
        if (!options.metadataFrom.empty() && f != FileFormat::RadianceHdr)
            detail::carryMetadata(options.metadataFrom, file.tempPath(), samples.width(), samples.height(),
                                  std::string("FuseLab ") + kFuseLabVersion);
    } catch (const Error& e) {
        throw e.withFile(path);
    }
    file.commit();
}

RgbPrimaries filePrimaries(const WriteOptions& options) { return options.outputPrimaries.value_or(options.dataPrimaries); }

detail::OutputColourTag tagFor(const WriteOptions& options, ColourEncoding encoding, RgbPrimaries primaries, int channels)
{
    return options.tagColour ? detail::outputColourTag(encoding, primaries, channels) : detail::OutputColourTag{};
}

// Display values of linear light for a file in `primaries`: its own curve (sRGB; 563/256 for
// Adobe RGB), Srgb-tagged as FuseLab's "display-encoded".
Image displayEncoded(const Image& linear, RgbPrimaries primaries)
{
    if (detail::displayCurveOf(primaries) == detail::TransferCurve::Srgb) return withEncoding(linear, ColourEncoding::Srgb);
    Image out = Image::uninitialised(linear.width(), linear.height(), linear.channels(), ColourEncoding::Srgb);
    const int ch = linear.channels();
    const std::size_t n = std::size_t(linear.width()) * ch;
    const float exponent = float(256.0 / 563.0);
    parallelFor(0, linear.height(), 16, [&](int y0, int y1) {
        for (int y = y0; y < y1; ++y) {
            const float* s = linear.row(y);
            float* d = out.row(y);
            for (std::size_t i = 0; i < n; ++i)
                d[i] = (ch == 4 && i % 4 == 3) ? s[i] : std::pow(std::max(s[i], 0.0f), exponent);
        }
    });
    return out;
}

} // namespace

void writeImage(const std::string& path, const Image& image, const WriteOptions& options)
{
    if (image.empty()) throw Error(path, "nothing to write (empty image)");
    const FileFormat f = targetFormat(path);
    checkChannels(path, f, image.channels());

    if (f == FileFormat::Exr || f == FileFormat::RadianceHdr || (f == FileFormat::Tiff && options.bitDepth == 32)) {
        if (image.encoding() == ColourEncoding::Pq || image.encoding() == ColourEncoding::Hlg)
            throw Error(path, "PQ/HLG code values belong in integer files; decode them to linear light first");
        // Radiance HDR files are Rec. 709 here (FuseLab neither writes nor reads their PRIMARIES line).
        const RgbPrimaries primaries = f == FileFormat::RadianceHdr ? RgbPrimaries::Rec709 : filePrimaries(options);
        const Image linear = convertPrimaries(withEncoding(image, ColourEncoding::Linear), options.dataPrimaries, primaries);
        if (f == FileFormat::Exr) {
            detail::AtomicFile file(path);
            try {
                detail::writeExr(file.tempPath(), linear, options, options.tagColour ? std::optional(primaries) : std::nullopt);
            } catch (const Error& e) {
                throw e.withFile(path);
            }
            file.commit();
            return;
        }
        const detail::OutputColourTag colour = f == FileFormat::Tiff ? tagFor(options, ColourEncoding::Linear, primaries, image.channels()) : detail::OutputColourTag{};
        writeEncoded(path, f, SampleImage(linear.isContiguous() ? linear : linear.clone()), options, colour);
        return;
    }

    const int bits = f == FileFormat::Jpeg ? 8 : options.bitDepth;
    if (bits != 8 && bits != 16)
        throw Error(path, "bit depth " + std::to_string(options.bitDepth) + " is not available for this format (8 or 16; TIFF also 32)");
    if (f == FileFormat::Jpeg && (options.jpegQuality < 1 || options.jpegQuality > 100))
        throw Error(path, "JPEG quality must be 1..100");
    // Integer files carry display-encoded values: PQ/HLG code values as they are (Rec. 2020 by
    // definition), others in the file's primaries and their display curve.
    Image encoded = image;
    detail::OutputColourTag colour;
    if (image.encoding() == ColourEncoding::Pq || image.encoding() == ColourEncoding::Hlg) {
        colour = tagFor(options, image.encoding(), RgbPrimaries::Rec2020, image.channels());
    } else {
        const RgbPrimaries primaries = filePrimaries(options);
        if (primaries == options.dataPrimaries && detail::displayCurveOf(primaries) == detail::TransferCurve::Srgb) {
            if (image.encoding() == ColourEncoding::Linear) encoded = withEncoding(image, ColourEncoding::Srgb);
        } else {
            encoded = displayEncoded(convertPrimaries(withEncoding(image, ColourEncoding::Linear), options.dataPrimaries, primaries), primaries);
        }
        colour = tagFor(options, ColourEncoding::Srgb, primaries, image.channels());
    }
    if (bits == 8) writeEncoded(path, f, SampleImage(quantise<std::uint8_t>(encoded, 255.0f)), options, colour);
    else writeEncoded(path, f, SampleImage(quantise<std::uint16_t>(encoded, 65535.0f)), options, colour);
}

void writeImage(const std::string& path, const SampleImage& image, const WriteOptions& options)
{
    if (image.empty()) throw Error(path, "nothing to write (empty image)");
    if (const Image* pf = image.asFloat()) {
        writeImage(path, *pf, options);
        return;
    }
    const FileFormat f = targetFormat(path);
    checkChannels(path, f, image.channels());
    if (f == FileFormat::Exr || f == FileFormat::RadianceHdr) {
        writeImage(path, image.toFloat(), options);
        return;
    }
    if (f == FileFormat::Jpeg && image.bitDepth() != 8)
        throw Error(path, "JPEG holds 8-bit samples only; write PNG or TIFF for 16-bit data");
    const ColourEncoding encoding = image.encoding();
    if (encoding == ColourEncoding::Pq || encoding == ColourEncoding::Hlg) {
        writeEncoded(path, f, image, options, tagFor(options, encoding, RgbPrimaries::Rec2020, image.channels()));
        return;
    }
    const RgbPrimaries primaries = filePrimaries(options);
    const bool asStored = primaries == options.dataPrimaries &&
                          (encoding == ColourEncoding::Linear || detail::displayCurveOf(primaries) == detail::TransferCurve::Srgb);
    if (!asStored) { // another space: converted through float, display-encoded at the same depth
        WriteOptions sameDepth = options;
        sameDepth.bitDepth = image.bitDepth();
        writeImage(path, image.toFloat(), sameDepth);
        return;
    }
    writeEncoded(path, f, image, options, tagFor(options, encoding, primaries, image.channels()));
}

} // namespace fuselab
