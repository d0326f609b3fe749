// Running the chosen operators on a stack (the GUI's computation, free of widgets so it can
// run on a worker thread and in tests): optional alignment, then fusion — or merge and tone
// mapping — all through the operator registry by id.
#pragma once

#include "session.hpp"

#include "fuselab/base/exposure.hpp"
#include "fuselab/base/operator.hpp"
#include "fuselab/recipe.hpp"
#include "fuselab/sidecar.hpp"

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace fuselab::ui {

struct PipelineResult {
    Image display;                      ///< display-referred result (fused, or tone-mapped)
    Image radiance;                     ///< linear HDR radiance (merge mode); empty otherwise
    std::vector<NamedImage> maps;       ///< overlays: weight maps, motion mask, quality maps
    std::map<std::string, double> scalars;
    std::vector<std::string> notes;
    std::vector<RecipeStep> steps;      ///< the recipe's steps as they ran (every value resolved), for the export's recipe
    std::string label;                  ///< "Exposure fusion (Mertens)"
};

/// The included frames with EV overrides applied, in exposure order where known.
ExposureStack includedFrames(const ExposureStack& loaded, const SessionState& session);

/// The session's steps: its alignment (if any), then its fusion — or its merge and tone
/// mapping — with the session's values. The GUI runs them as core runs any recipe.
std::vector<RecipeStep> sessionSteps(const SessionState& session, const OperatorRegistry& registry);

/// Runs the session's steps on `stack` (core's runRecipeSteps) and gathers what the view
/// shows. Throws fuselab::Error, Cancelled.
PipelineResult runPipeline(const SessionState& session, const ExposureStack& stack, const OperatorRegistry& registry,
                           ProgressSink& progress);

/// The session's painted deghosting codes at the stack's size, or nothing when none are painted.
std::optional<Image8> paintedSourcesFor(const SessionState& session, int widthPx, int heightPx);

/// The first operator of a category (for defaults), or nullptr.
const Operator* firstOfCategory(const OperatorRegistry& registry, const char* category);

} // namespace fuselab::ui
