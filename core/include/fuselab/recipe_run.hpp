// Running a recipe (recipe.hpp): reading its inputs, running its steps through the operator
// registry, and writing its output with the sidecar that holds it. The command line's fuse,
// merge and tonemap, `replay`, `batch` and the GUI all run recipes with these functions, so a
// result made in one is made bit for bit by the others.
//
// Threads: each call works on its own data; the registry is only read.
#pragma once

#include "fuselab/base/exposure.hpp"
#include "fuselab/base/operator.hpp"
#include "fuselab/output_file.hpp"
#include "fuselab/recipe.hpp"

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace fuselab {

/// What the first step works on, read from the recipe's inputs.
struct RecipeInputs {
    ExposureStack stack;            ///< for a recipe whose first step takes a stack
    Image image;                    ///< for one whose first step takes an image (tone mapping a file)
    std::optional<Image8> painted;  ///< the recipe's painted deghosting decisions at the stack's size
    std::vector<std::string> warnings; ///< what the user should see (a renamed file, brightness order, an unusable profile)
    std::string metadataFrom;       ///< the photograph whose metadata the output carries (the reference frame, or the image)
    bool anyDeeperThan8Bits = false; ///< any input holds more than 8 bits (16-bit, float, camera RAW)
    std::map<std::string, std::string> readNotes; ///< sidecar notes on how each input was read
};

/// Reads the inputs as the first step needs them (a stack: exposures typed or from EXIF,
/// refused without them when a merge step follows; converted into the working space).
/// Throws fuselab::Error naming the file.
RecipeInputs loadRecipeInputs(const Recipe& recipe, const OperatorRegistry& registry, ProgressSink& progress);

/// Painted deghosting decisions read from an 8-bit grey image of the stack's size (an RGB file
/// whose every pixel is grey is accepted). Throws fuselab::Error naming the file.
Image8 readPaintedSources(const std::string& path, int widthPx, int heightPx);

/// Makes the operator of a step that names a model file (RecipeStep::model); front ends that
/// can load models give one (the command line: learned fusion with another model).
using ModelOperatorMaker = std::function<std::shared_ptr<const Operator>(const RecipeStep& step)>;

struct RecipeResult {
    SampleImage image;     ///< the last step's image, in the requested sample type where its operator makes one
    Image intermediate;    ///< the image a later step went on from (a merge's radiance before tone mapping); else empty
    /// The stack after the steps, when they end on one (alignment only): the aligned frames.
    std::optional<ExposureStack> stack;
    std::vector<NamedImage> maps; ///< every step's extras except aligned frames (weight maps, motion mask, …)
    std::vector<RecipeStep> ran;  ///< the steps as they ran: every value resolved
    std::vector<std::map<std::string, double>> stepScalars; ///< each step's scalars, in step order
    std::vector<std::string> notes; ///< "<operator name>: <note>", and version differences
};

/// Runs the steps on a stack (or an image, for a recipe that starts with an image step).
/// `finalType`: the sample type of the last image where its operator can make it directly.
/// Throws fuselab::Error (unknown operator, a step that does not fit the running value, a
/// recipe from a newer operator version) and fuselab::Cancelled.
RecipeResult runRecipeSteps(const std::vector<RecipeStep>& steps, const ExposureStack* stack, const Image* image,
                            const Image8* deghostSources, RgbPrimaries workingPrimaries, FusedSampleType finalType,
                            const OperatorRegistry& registry, ProgressSink& progress, const ModelOperatorMaker& models = {});

/// The output file of a recipe: read, run, written to `outputPath` with a sidecar holding the
/// recipe (as it ran: every value resolved, the bit depth followed) on top of `sidecar` (the
/// caller's command and notes). The format follows the path's extension.
struct RecipeProduced {
    WrittenOutput written;
    RecipeResult result;
    std::vector<std::string> warnings; ///< reading warnings and operator notes
};
RecipeProduced produceRecipeOutput(const Recipe& recipe, const std::string& outputPath, Sidecar sidecar,
                                   const OperatorRegistry& registry, ProgressSink& progress, const ModelOperatorMaker& models = {});

/// The step that encodes linear light (or a display image) as PQ code values (SMPTE ST 2084,
/// BT.2100) with this reference white: what an HDR10 export appends to its recipe, so the front
/// ends name no operator. Throws fuselab::Error when the registry has no PQ operator.
RecipeStep pqEncodingStep(const OperatorRegistry& registry, double referenceWhiteCdM2);

/// The sample type an output file should get its result in (8/16-bit files: integers; float
/// formats and 32-bit TIFF: float). `bitDepth` 0 counts as 8.
FusedSampleType sampleTypeForFile(const std::string& path, int bitDepth);

} // namespace fuselab
