// Output-file options shared by every command that writes an image (-o OUT):
// --bit-depth, --quality, --exr-type, --exr-compression; and the write + sidecar step.
#pragma once

#include "fuselab/image.hpp"
#include "fuselab/io.hpp"
#include "fuselab/sidecar.hpp"

#include <CLI/CLI.hpp>

#include <string>

namespace fuselab::cli {

struct OutputOptions {
    int bitDepth = 8;
    int quality = 95;
    std::string exrType = "half";
    std::string exrCompression = "piz";
    std::string tiffCompression = "none";

    void attach(CLI::App& sub);
    WriteOptions toWriteOptions() const;
};

/// Writes `image` to `path` atomically and its sidecar next to it; prints nothing.
void writeOutputWithSidecar(const std::string& path, const Image& image, const OutputOptions& options, Sidecar sidecar);
/// Same for samples already in the file's type (8/16-bit results written exactly).
void writeOutputWithSidecar(const std::string& path, const SampleImage& image, const OutputOptions& options, Sidecar sidecar);

/// The sample type a result should be produced in for `path` with these options, so that
/// engines can write straight into it instead of holding a float copy.
enum class FusedSampleTypeChoice { Float, U8, U16 };
FusedSampleTypeChoice sampleTypeFor(const std::string& path, const OutputOptions& options);

} // namespace fuselab::cli
