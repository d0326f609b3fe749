#include "recipe_output.hpp"

#include "command.hpp"

#include "fuselab/base/error.hpp"
#include "fuselab/merge_operators.hpp"
#if defined(FUSELAB_HAVE_LEARN)
#include "learn_support.hpp"
#endif

#include <cstdio>

namespace fuselab::cli {

void requireImageOutputFormat(const std::string& outputPath)
{
    const FileFormat format = formatFromExtension(outputPath);
    if (format == FileFormat::Unknown || format == FileFormat::CameraRaw)
        throw UsageError("unknown output format for '" + outputPath + "' (.tif, .png, .jpg, .exr, .hdr)");
}

void printAlignmentShifts(const RecipeResult& r)
{
    for (std::size_t i = 0; i < r.ran.size(); ++i) {
        const auto& scalars = r.stepScalars[i];
        for (std::size_t k = 0;; ++k) {
            const auto dx = scalars.find("dx_" + std::to_string(k)), dy = scalars.find("dy_" + std::to_string(k));
            const auto rotation = scalars.find("rotation_deg_" + std::to_string(k));
            if (dx == scalars.end() || dy == scalars.end()) break;
            const double degrees = rotation == scalars.end() ? 0.0 : rotation->second;
            if (dx->second != 0.0 || dy->second != 0.0 || degrees != 0.0)
                std::fprintf(stderr, "align: frame %zu moved by (%.2f, %.2f) px, %.3f°\n", k + 1, dx->second, dy->second, degrees);
        }
    }
}

ModelOperatorMaker commandLineModelOperators()
{
    return [](const RecipeStep& step) -> std::shared_ptr<const Operator> {
        if (step.operatorId == "merge-response") return makeMergeWithResponseFile(step.model); // a measured response curve
#if defined(FUSELAB_HAVE_LEARN)
        if (step.operatorId == "learned") return learnedFusionWithModel(step.model);
#endif
        throw Error(step.model, "step '" + step.operatorId + "' cannot run another model in this fuselab-cli");
    };
}

RecipeProduced produceFromCommandLine(const Recipe& recipe, const std::string& outputPath, Sidecar sidecar, const OperatorRegistry& registry,
                           const RecipeRunFlags& flags)
{
    requireImageOutputFormat(outputPath);
    try {
        (void)writeOptionsFor(recipe.output, {});
    } catch (const Error& e) {
        throw UsageError(e.problem());
    }
    if (sidecar.command.empty()) sidecar.command = commandLine();
    ConsoleProgress progress(flags.task, flags.quiet);
    const RecipeProduced produced = produceRecipeOutput(recipe, outputPath, std::move(sidecar), registry, progress, commandLineModelOperators());
    progress.finish();
    for (const std::string& w : produced.warnings) printWarning(w);
    printAlignmentShifts(produced.result);
    if (!flags.quiet) std::fprintf(stderr, "wrote %s\n", outputPath.c_str());
    if (flags.json) printWrittenOutput(produced.written);
    return produced;
}

} // namespace fuselab::cli
