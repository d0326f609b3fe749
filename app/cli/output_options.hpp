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
    std::string exrCompression = "zip";

    void attach(CLI::App& sub);
    WriteOptions toWriteOptions() const;
};

/// Writes `image` to `path` atomically and its sidecar next to it; prints nothing.
void writeOutputWithSidecar(const std::string& path, const Image& image, const OutputOptions& options, Sidecar sidecar);

} // namespace fuselab::cli
