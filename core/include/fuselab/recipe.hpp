// A recipe: everything that turns input files into one output file — the inputs with the
// exposures the user typed, the operator steps (id, version, every value), the working colour
// space, painted deghosting decisions, and how the file is written. The command line builds
// one from its flags, the GUI from its session; every sidecar holds the recipe that produced
// its file (key "recipe"), so `fuselab-cli replay` and `batch` can run it again.
//
// Steps run in order on one running value: a stack (the inputs) or an image. An alignment
// step (category alignment) returns the aligned frames (convention::alignedFrameExtra) and
// the stack goes on aligned; a stack step of any other kind (fusion, merge) turns the stack
// into its image; an image step (tone mapping) takes the image.
#pragma once

#include "fuselab/base/params.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace fuselab {

struct RecipeStep {
    std::string operatorId;
    int version = 1;   ///< the operator's version when the recipe was made
    ParamValues values; ///< every parameter, resolved (not only the changed ones)
    /// A model file the operator runs instead of its registered one (a learned fusion's other
    /// model); empty = the registered operator.
    std::string model;
};

/// How the output file is written. The command line's output flags are these fields; their
/// defaults are declared here once.
struct RecipeOutput {
    int bitDepth = 0; ///< PNG/TIFF 8 or 16 (TIFF also 32 = float); 0 = follow the inputs (16 when any is deeper than 8 bits)
    int quality = 95; ///< JPEG quality 1..100
    std::string exrType = "half";        ///< half | float
    std::string exrCompression = "piz";  ///< none, rle, zips, zip, piz, pxr24, b44, b44a, dwaa, dwab
    std::string tiffCompression = "none"; ///< none | lzw | deflate
    std::string workingSpace = "rec709";  ///< primaries inputs are converted into and operators work in
    std::string outputSpace;              ///< primaries of the written file; empty = the working space's
};

/// Frame/event fusion's inputs (fuse --frame --events): the frame F at the window's end, the
/// recording, EF's reference frame (empty: the recording's stored frame), and the window.
struct RecipeFrameEvents {
    std::string frame, events, reference;
    std::int64_t windowUs = 0;  ///< 0 with count 0: the default window (kDefaultEventWindowUs)
    std::int64_t count = 0;     ///< a window of this many events instead of a time window
    std::int64_t startUs = 0;   ///< after the recording's first event
    bool lenient = false;       ///< count malformed event records instead of refusing the file
    std::string timeUnit = "auto"; ///< text recordings: the time column's unit
};

struct Recipe {
    /// Version of the recipe layout (not of FuseLab); readers refuse newer ones.
    static constexpr int kFormatVersion = 1;

    std::vector<std::string> inputs; ///< files in input order (folders already expanded)
    std::vector<double> evs;         ///< typed stops per input (empty: EXIF)
    std::vector<double> timesS;      ///< typed exposure times per input in seconds (empty: EXIF)
    std::string deghostMask;         ///< painted deghosting decisions (8-bit grey, level k = frame k), or empty
    std::string nonFinite = "reject"; ///< NaN/Inf input samples: reject | zero
    std::vector<RecipeStep> steps;
    RecipeOutput output;
    /// The file extension the recipe's output had ("png", "exr", …): batch names its outputs with it.
    std::string outputExtension;
    /// Set for frame/event fusion: its inputs (then `inputs` is empty) for the one step, the
    /// learned fusion with the frame/event model as its model file. The learned library runs it
    /// (fuselab-cli replay), not core's produceRecipeOutput.
    std::optional<RecipeFrameEvents> frameEvents;
};

/// The recipe as JSON text (the value of a sidecar's "recipe" key).
std::string recipeToJson(const Recipe& recipe);
/// Parses recipe JSON. Throws fuselab::Error naming `file` on malformed JSON, a missing key or
/// a newer layout.
Recipe recipeFromJson(const std::string& text, const std::string& file);
/// Reads a recipe file: a sidecar (its "recipe" key) or a bare recipe. Throws fuselab::Error
/// naming the file (a sidecar from before recipes: says so).
Recipe readRecipeFile(const std::string& path);
/// Writes a bare recipe file atomically.
void writeRecipeFile(const std::string& path, const Recipe& recipe);

/// The recipe with its files named absolutely (inputs, painted mask, model files), so it runs
/// from any folder: what a sidecar records.
Recipe withAbsolutePaths(Recipe recipe);

/// The same recipe on other inputs: typed exposures are kept only when the count matches
/// (otherwise EXIF decides, as for any new stack) and a painted mask is dropped (it belongs to
/// the old frames). Notes what was dropped in `notes`.
Recipe recipeForInputs(const Recipe& recipe, std::vector<std::string> inputs, std::vector<std::string>& notes);

} // namespace fuselab
