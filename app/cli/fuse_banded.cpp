// fuselab-cli fuse in bands; see fuse_banded.hpp.
#include "fuse_banded.hpp"

#include "cli_support.hpp"

#include "fuselab/banded_fusion.hpp"
#include "fuselab/base/error.hpp"
#include "fuselab/fusion_operators.hpp"
#include "fuselab/row_io.hpp"
#include "fuselab/sidecar.hpp"
#include "fuselab/stack_io.hpp"

#include <algorithm>
#include <map>
#include <cstdio>
#include <memory>

namespace fuselab::cli {

std::vector<std::string> expandStackInputs(const std::vector<std::string>& inputs)
{
    StackLoadOptions untyped;
    return resolveStackFiles(inputs, untyped);
}

namespace {

// The banded fusion with Mertens's weights, or with those of a provider (the learned fusion).
int runBanded(const BandedFuseRequest& request, OutputOptions& out, const BandWeightsProvider* provider,
              const std::map<std::string, std::string>& extraNotes)
{
    const std::vector<std::string> files = expandStackInputs(request.inputs);
    if (files.size() < 2) throw UsageError("exposure fusion needs at least two images");
    ConsoleProgress progress("fuse", request.quiet);
    ReadOptions read;
    read.workingPrimaries = out.workingPrimaries();
    ProgressSpan opening(progress, 0.0, 0.02);
    const OpenedFrames frames = openFramesAsRows(files, read, RowPurpose::Fusion, opening);
    out.followInputs(frames.anyDeeperThan8Bits());
    out.metadataFrom = files[files.size() / 2]; // camera, lens, date, place: a middle frame of the bracket
    const FrameRowReader& first = *frames.readers.front();
    const int planes = first.channels() >= 3 ? 3 : 1;
    BandedFusionOptions options;
    options.memoryBudgetBytes = request.budgetBytes;
    options.outputType = sampleTypeFor(request.output, out);
    ProgressSpan fusing(progress, 0.02, 0.99);
    BandedFusionPlan plan;
    if (provider) {
        std::string whyNot;
        const std::unique_ptr<WeightSource> weights =
            provider->bandWeights(request.values, int(frames.readers.size()), first.widthPx(), first.heightPx(), first.channels(), &whyNot);
        if (!weights) throw UsageError("--memory-mb fuses in row bands, which this method cannot do: " + whyNot);
        plan = fuseFramesToFileWithWeights(frames, *weights, options, request.output, out.toWriteOptions(), fusing);
    } else {
        plan = fuseFramesToFile(frames, mertensParamsFromValues(request.values), options, request.output, out.toWriteOptions(), fusing);
    }
    const int scanlines = frames.scanlineCount();

    Sidecar sidecar;
    sidecar.operators.push_back({request.op->info().id, request.op->info().version, request.values});
    sidecar.inputFiles = files;
    sidecar.numbers["pyramid_levels"] = plan.levels;
    sidecar.numbers["memory_budget_mb"] = double(request.budgetBytes >> 20);
    sidecar.numbers["band_rows"] = plan.bandRows;
    sidecar.numbers["bands"] = plan.bands;
    sidecar.numbers["coarse_level"] = plan.coarseLevel;
    sidecar.notes["fusion"] = "in row bands within " + std::to_string(request.budgetBytes >> 20) + " MiB (" + request.budgetOrigin +
                              "); equal to the whole-image fusion; " + std::to_string(scanlines) + " of " + std::to_string(files.size()) +
                              " frames read by scanlines, the others read whole once";
    for (const auto& [key, note] : extraNotes) sidecar.notes[key] = note;
    // The recipe: replay makes the same pixels (bands equal the whole-image fusion).
    Recipe recipe;
    recipe.inputs = files;
    recipe.steps.push_back({request.op->info().id, request.op->info().version, request.values, request.model});
    recipe.output = out;
    recipe.outputExtension = request.output.substr(request.output.find_last_of('.') + 1);
    sidecar.recipe = withAbsolutePaths(recipe);
    const int bits = options.outputType == FusedSampleType::U8 ? 8 : options.outputType == FusedSampleType::U16 ? 16 : 0;
    const WrittenOutput written = writeSidecarForRows(request.output, first.widthPx(), first.heightPx(), planes, bits, ColourEncoding::Srgb, out, sidecar);
    progress.report(1.0, "done");
    progress.finish();
    if (!request.quiet)
        std::fprintf(stderr, "wrote %s (%d bands of %d rows within %zu MiB)\n", request.output.c_str(), plan.bands, plan.bandRows,
                     request.budgetBytes >> 20);
    if (request.json) printWrittenOutput(written);
    return kSuccess;
}

} // namespace

int runBandedFuse(const BandedFuseRequest& request, OutputOptions& out)
{
    return runBanded(request, out, nullptr, {});
}

int runBandedFuseWithWeights(const BandedFuseRequest& request, const BandWeightsProvider& provider, const std::string& modelPath,
                             OutputOptions& out)
{
    return runBanded(request, out, &provider, {{"model", modelPath}});
}

} // namespace fuselab::cli
