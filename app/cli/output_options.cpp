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
    try {
        return writeOptionsFor(*this, metadataFrom);
    } catch (const Error& e) {
        throw UsageError(e.problem());
    }
}

WrittenOutput writeOutputWithSidecar(const std::string& path, const SampleImage& image, const OutputOptions& options, Sidecar sidecar)
{
    (void)options.toWriteOptions(); // a bad setting is a usage error, before anything is written
    if (options.bitDepth == 32 && image.isFloat() && formatFromExtension(path) != FileFormat::Tiff &&
        formatFromExtension(path) != FileFormat::Exr && formatFromExtension(path) != FileFormat::RadianceHdr)
        throw UsageError("--bit-depth 32 is for TIFF output only");
    if (sidecar.command.empty()) sidecar.command = commandLine();
    return writeImageWithSidecar(path, image, options, options.metadataFrom, std::move(sidecar));
}

WrittenOutput writeSidecarForRows(const std::string& path, int widthPx, int heightPx, int channels, int integerSampleBits,
                                  ColourEncoding encoding, const OutputOptions& options, Sidecar sidecar)
{
    (void)options.toWriteOptions();
    if (sidecar.command.empty()) sidecar.command = commandLine();
    return writeSidecarOfRows(path, widthPx, heightPx, channels, integerSampleBits, encoding, options, options.metadataFrom,
                              std::move(sidecar));
}

FusedSampleType sampleTypeFor(const std::string& path, const OutputOptions& options)
{
    return sampleTypeForFile(path, options.bitDepth);
}

} // namespace fuselab::cli
