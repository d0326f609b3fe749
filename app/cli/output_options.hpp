// Output-file options shared by every command that writes an image (-o OUT):
// --bit-depth, --quality, --exr-type, --exr-compression; and the write + sidecar step.
#pragma once

#include "fuselab/base/exposure.hpp"
#include "fuselab/base/image.hpp"
#include "fuselab/io.hpp"
#include "fuselab/output_file.hpp"
#include "fuselab/recipe.hpp"
#include "fuselab/recipe_run.hpp"
#include "fuselab/sidecar.hpp"

#include <CLI/CLI.hpp>

#include <string>

namespace fuselab::cli {

/// The output flags are the recipe's output settings (their defaults declared once, in
/// recipe.hpp), plus the photograph whose metadata the output carries.
struct OutputOptions : RecipeOutput {
    /// The photograph whose EXIF/XMP/IPTC the output carries (WriteOptions::metadataFrom); set
    /// by the command (the reference frame of a stack, the input of a tone mapping).
    std::string metadataFrom;

    void attach(CLI::App& sub);
    /// The parsed --working-space (UsageError when unknown).
    RgbPrimaries workingPrimaries() const;
    /// Resolves the default depth from the inputs: 16-bit, float or camera RAW inputs give a
    /// 16-bit PNG/TIFF, all-8-bit inputs an 8-bit one. A depth the user gave is kept.
    void followInputs(bool anyInputDeeperThan8Bits);
    /// UsageError naming a bad setting.
    WriteOptions toWriteOptions() const;
};

/// Prints the JSON document of a written output on stdout.
void printWrittenOutput(const WrittenOutput& written);

/// Writes `image` to `path` atomically and its sidecar next to it (the command line as its
/// command unless set); prints nothing. Integer samples are written exactly.
WrittenOutput writeOutputWithSidecar(const std::string& path, const SampleImage& image, const OutputOptions& options, Sidecar sidecar);

/// The sidecar of a result already written row by row (integerSampleBits 0 for
/// float samples); what was written, as writeOutputWithSidecar says it.
WrittenOutput writeSidecarForRows(const std::string& path, int widthPx, int heightPx, int channels, int integerSampleBits,
                                  ColourEncoding encoding, const OutputOptions& options, Sidecar sidecar);

/// Whether any frame of a stack holds more than 8 bits (16-bit, float, camera RAW).
bool anyDeeperThan8Bits(const ExposureStack& stack);

/// The sample type a result should be produced in for `path` with these options, so that
/// engines can write straight into it instead of holding a float copy.
FusedSampleType sampleTypeFor(const std::string& path, const OutputOptions& options);

} // namespace fuselab::cli
