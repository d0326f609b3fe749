// Writing a result file with its sidecar, as every front end does: the write options a
// recipe's output settings give, the image written atomically, and the sidecar beside it.
#pragma once

#include "fuselab/base/image.hpp"
#include "fuselab/io.hpp"
#include "fuselab/recipe.hpp"
#include "fuselab/sidecar.hpp"

#include <string>

namespace fuselab {

/// What was written (CLI.md's `--json` of fuse/merge/tonemap: path, width, height, channels,
/// bit_depth, colour_space, sidecar).
struct WrittenOutput {
    std::string path, colourSpace, sidecar;
    int width = 0, height = 0, channels = 0, bitDepth = 0;
};

/// The write options of a recipe's output settings (bit depth 0 writes 8 bits). Throws
/// fuselab::Error naming the bad setting.
WriteOptions writeOptionsFor(const RecipeOutput& output, const std::string& metadataFrom);

/// Bits per sample the file at `path` holds (integer samples keep their depth; 0 = float samples).
int fileBitDepth(const std::string& path, const WriteOptions& options, int integerSampleBits);
/// The file's colour space as `--json` names it ("srgb", "linear", "pq", "display-p3", …).
std::string fileColourSpace(const std::string& path, ColourEncoding encoding, const WriteOptions& options);

/// Writes `image` atomically and then its sidecar (notes: encoding, and the EXR/TIFF settings
/// used). Throws fuselab::Error; an existing file is never damaged by a failed write.
WrittenOutput writeImageWithSidecar(const std::string& path, const SampleImage& image, const RecipeOutput& output,
                                    const std::string& metadataFrom, Sidecar sidecar);

/// The sidecar of a result already written row by row (integerSampleBits 0 for float samples).
WrittenOutput writeSidecarOfRows(const std::string& path, int widthPx, int heightPx, int channels, int integerSampleBits,
                                 ColourEncoding encoding, const RecipeOutput& output, const std::string& metadataFrom, Sidecar sidecar);

} // namespace fuselab
