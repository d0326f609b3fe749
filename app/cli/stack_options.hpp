// Options shared by the commands that read a stack: --ev / --times, --align, --deghost,
// --nonfinite; and loading + aligning the stack they describe.
#pragma once

#include "cli_support.hpp"

#include "fuselab/align.hpp"
#include "fuselab/deghost.hpp"
#include "fuselab/recipe.hpp"
#include "fuselab/sidecar.hpp"
#include "fuselab/stack_io.hpp"

#include <optional>
#include <string>
#include <vector>

namespace fuselab::cli {

struct StackOptions {
    std::string ev;
    std::string times;
    std::string align = "none";
    bool deghost = false;   ///< --deghost: on (the default; kept for scripts that name it)
    bool noDeghost = false; ///< --no-deghost: the detection off (a painted mask still applies)
    std::string deghostMask; ///< --deghost-mask FILE.png: painted decisions (grey k = frame k, 0 = automatic)

    void attach(CLI::App& sub);
    /// Applies --deghost / --no-deghost to an operator's parameter overrides.
    void applyDeghostFlags(ParamValues& overrides) const;
    /// The painted decisions of --deghost-mask for a stack of that size, or nothing. Throws
    /// fuselab::Error naming the file when it is not one grey channel of the stack's size.
    std::optional<Image8> paintedSources(int widthPx, int heightPx) const;
    /// --ev / --times parsed (UsageError for a bad list), in input order.
    StackLoadOptions typedExposures() const;
    /// The recipe step --align asks for (the alignment operator at its defaults), or none.
    std::vector<RecipeStep> alignmentSteps(const OperatorRegistry& registry) const;
    /// The recipe's inputs from these flags: files (folders expanded, their ev.txt read),
    /// typed exposures, the painted mask, and an alignment step when --align asks for one.
    /// The caller adds its own steps and output settings.
    Recipe recipeInputs(const std::vector<std::string>& inputs, const OperatorRegistry& registry) const;
    /// Loads (and aligns, with the alignment step a recipe runs) the inputs, converted into
    /// `working` primaries; warnings go to stderr. `requireExposures` for merges.
    ExposureStack load(const std::vector<std::string>& inputs, bool requireExposures, ProgressSink& progress,
                       std::vector<std::string>* files, const OperatorRegistry& registry, RgbPrimaries working = RgbPrimaries::Rec709) const;
};

} // namespace fuselab::cli
