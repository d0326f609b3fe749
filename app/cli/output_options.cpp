#include "output_options.hpp"

#include "cli_support.hpp"

#include "fuselab/base/error.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdio>

namespace fuselab::cli {

void OutputOptions::attach(CLI::App& sub)
{
    sub.add_option("--bit-depth", bitDepth,
                   "PNG/TIFF bits per sample: 8 or 16 (TIFF also 32 = float); default: 16 when any input has more than 8 bits "
                   "(16-bit, float, camera RAW), else 8")
        ->check(CLI::IsMember({8, 16, 32}));
    sub.add_option("--quality", quality, "JPEG quality 1..100")->capture_default_str()->check(CLI::Range(1, 100));
    sub.add_option("--exr-type", exrType, "OpenEXR sample type: half or float")->capture_default_str()->check(CLI::IsMember({"half", "float"}));
    sub.add_option("--exr-compression", exrCompression, "OpenEXR compression: none, rle, zips, zip, piz, pxr24, b44, b44a, dwaa, dwab")
        ->capture_default_str();
    sub.add_option("--tiff-compression", tiffCompression, "TIFF compression: none, lzw, deflate")
        ->capture_default_str()->check(CLI::IsMember({"none", "lzw", "deflate"}));
    sub.add_option("--working-space", workingSpace,
                   "Primaries every input is converted into (from its ICC profile, PNG cICP/gAMA/cHRM or EXR "
                   "chromaticities; untagged = sRGB) and operators work in: rec709 (= sRGB) or rec2020")
        ->capture_default_str()->check(CLI::IsMember({"rec709", "srgb", "rec2020"}));
    sub.add_option("--output-space", outputSpace,
                   "Primaries of the written file, with their ICC profile (EXR: chromaticities): srgb, display-p3, "
                   "adobe-rgb or rec2020; default the working space. PQ/HLG outputs are always Rec. 2020 (cICP 9/16 or 9/18)")
        ->check(CLI::IsMember({"srgb", "rec709", "display-p3", "adobe-rgb", "rec2020"}));
}

namespace {
// A colour-space option's value; a bad one is a usage error.
RgbPrimaries primariesOption(const std::string& name)
{
    try {
        return primariesFromString(name);
    } catch (const Error& e) {
        throw UsageError(e.problem());
    }
}
} // namespace

RgbPrimaries OutputOptions::workingPrimaries() const { return primariesOption(workingSpace); }

void OutputOptions::followInputs(bool anyInputDeeperThan8Bits)
{
    if (bitDepth == 0) bitDepth = anyInputDeeperThan8Bits ? 16 : 8;
}

bool anyDeeperThan8Bits(const ExposureStack& stack)
{
    return std::any_of(stack.frames.begin(), stack.frames.end(), [](const StackFrame& f) { return f.pixels.bitDepth() > 8; });
}

void printWrittenOutput(const WrittenOutput& written)
{
    nlohmann::ordered_json j;
    j["path"] = written.path;
    j["width"] = written.width;
    j["height"] = written.height;
    j["channels"] = written.channels;
    j["bit_depth"] = written.bitDepth;
    j["colour_space"] = written.colourSpace;
    j["sidecar"] = written.sidecar;
    std::printf("%s\n", j.dump(2).c_str());
}

WriteOptions OutputOptions::toWriteOptions() const
{
    WriteOptions w;
    w.bitDepth = bitDepth == 0 ? 8 : bitDepth; // commands that do not follow their inputs write 8 bits
    w.jpegQuality = quality;
    w.metadataFrom = metadataFrom;
    w.dataPrimaries = workingPrimaries();
    if (!outputSpace.empty()) w.outputPrimaries = primariesOption(outputSpace);
    w.exrType = exrType == "float" ? ExrPixelType::Float : ExrPixelType::Half;
    try {
        w.exrCompression = exrCompressionFromString(exrCompression);
        w.tiffCompression = tiffCompressionFromString(tiffCompression);
    } catch (const Error& e) {
        throw UsageError(e.problem());
    }
    return w;
}

namespace {
// Bits per sample the file holds: what the format and options make of the samples (integer
// samples keep their depth where the format takes them as they are).
int fileBitDepth(const std::string& path, const WriteOptions& w, int integerSampleBits)
{
    const FileFormat f = formatFromExtension(path);
    if (f == FileFormat::Exr) return w.exrType == ExrPixelType::Half ? 16 : 32;
    if (f == FileFormat::RadianceHdr) return 32;
    if (f == FileFormat::Jpeg) return 8;
    if (integerSampleBits) return integerSampleBits;
    return w.bitDepth;
}
// The file's colour: float formats hold linear light, integer files sRGB-encoded values (or the
// PQ/HLG code values the encoding names).
std::string colourSpaceOf(const std::string& path, ColourEncoding encoding, const WriteOptions& w)
{
    const FileFormat f = formatFromExtension(path);
    const RgbPrimaries primaries = w.outputPrimaries.value_or(w.dataPrimaries);
    if (f == FileFormat::RadianceHdr) return "linear";
    if (f == FileFormat::Exr) return primaries == RgbPrimaries::Rec709 ? "linear" : "linear-" + std::string(toString(primaries));
    if (encoding == ColourEncoding::Pq || encoding == ColourEncoding::Hlg) return std::string(toString(encoding));
    return primaries == RgbPrimaries::Rec709 ? "srgb" : std::string(toString(primaries));
}
} // namespace

WrittenOutput writeOutputWithSidecar(const std::string& path, const Image& image, const OutputOptions& options, Sidecar sidecar)
{
    const WriteOptions w = options.toWriteOptions();
    if (w.bitDepth == 32 && formatFromExtension(path) != FileFormat::Tiff && formatFromExtension(path) != FileFormat::Exr &&
        formatFromExtension(path) != FileFormat::RadianceHdr)
        throw UsageError("--bit-depth 32 is for TIFF output only");
    writeImage(path, image, w);
    if (sidecar.command.empty()) sidecar.command = commandLine();
    if (formatFromExtension(path) == FileFormat::Exr) {
        sidecar.notes["exr_type"] = options.exrType;
        sidecar.notes["exr_compression"] = options.exrCompression;
    }
    sidecar.notes["encoding"] = std::string(toString(image.encoding()));
    sidecar.outputWidth = image.width();
    sidecar.outputHeight = image.height();
    sidecar.outputChannels = image.channels();
    sidecar.outputBitDepth = fileBitDepth(path, w, 0);
    writeSidecar(path, sidecar);
    return {path, colourSpaceOf(path, image.encoding(), w), sidecarPath(path), image.width(), image.height(), image.channels(), sidecar.outputBitDepth};
}

WrittenOutput writeOutputWithSidecar(const std::string& path, const SampleImage& image, const OutputOptions& options, Sidecar sidecar)
{
    const WriteOptions w = options.toWriteOptions();
    writeImage(path, image, w);
    sidecar.outputWidth = image.width();
    sidecar.outputHeight = image.height();
    sidecar.outputChannels = image.channels();
    sidecar.outputBitDepth = fileBitDepth(path, w, image.isFloat() ? 0 : image.bitDepth());
    if (sidecar.command.empty()) sidecar.command = commandLine();
    if (formatFromExtension(path) == FileFormat::Tiff) sidecar.notes["tiff_compression"] = options.tiffCompression;
    sidecar.notes["encoding"] = std::string(toString(image.encoding()));
    writeSidecar(path, sidecar);
    return {path, colourSpaceOf(path, image.encoding(), w), sidecarPath(path), image.width(), image.height(), image.channels(), sidecar.outputBitDepth};
}

WrittenOutput writeSidecarForRows(const std::string& path, int widthPx, int heightPx, int channels, int integerSampleBits,
                                  ColourEncoding encoding, const OutputOptions& options, Sidecar sidecar)
{
    const WriteOptions w = options.toWriteOptions();
    sidecar.outputWidth = widthPx;
    sidecar.outputHeight = heightPx;
    sidecar.outputChannels = channels;
    sidecar.outputBitDepth = fileBitDepth(path, w, integerSampleBits);
    if (sidecar.command.empty()) sidecar.command = commandLine();
    if (formatFromExtension(path) == FileFormat::Tiff) sidecar.notes["tiff_compression"] = options.tiffCompression;
    if (formatFromExtension(path) == FileFormat::Exr) {
        sidecar.notes["exr_type"] = options.exrType;
        sidecar.notes["exr_compression"] = options.exrCompression;
    }
    sidecar.notes["encoding"] = std::string(toString(encoding));
    writeSidecar(path, sidecar);
    return {path, colourSpaceOf(path, encoding, w), sidecarPath(path), widthPx, heightPx, channels, sidecar.outputBitDepth};
}

FusedSampleTypeChoice sampleTypeFor(const std::string& path, const OutputOptions& options)
{
    const FileFormat f = formatFromExtension(path);
    if (f == FileFormat::Exr || f == FileFormat::RadianceHdr || (f == FileFormat::Tiff && options.bitDepth == 32))
        return FusedSampleTypeChoice::Float;
    if (f == FileFormat::Jpeg || options.bitDepth <= 8) return FusedSampleTypeChoice::U8;
    return FusedSampleTypeChoice::U16;
}

} // namespace fuselab::cli
