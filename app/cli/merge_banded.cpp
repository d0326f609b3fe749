// fuselab-cli merge in bands; see merge_banded.hpp.
#include "merge_banded.hpp"

#include "cli_support.hpp"
#include "fuse_banded.hpp"

#include "fuselab/base/error.hpp"
#include "fuselab/base/exposure.hpp"
#include "fuselab/hdr_merge.hpp"
#include "fuselab/io.hpp"
#include "fuselab/merge_files.hpp"
#include "fuselab/merge_operators.hpp"
#include "fuselab/row_io.hpp"
#include "fuselab/sidecar.hpp"
#include "fuselab/stack_io.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <memory>
#include <numeric>
#include <optional>

namespace fuselab::cli {
namespace {

// The frames in the order loadStack gives them (by exposure, darkest first, stable), with their
// stops: typed (--ev/--times, a folder's ev.txt) or from EXIF.
struct OrderedFrames {
    OpenedFrames frames;
    std::vector<double> stops;
    std::vector<std::string> inputFiles; ///< in input order (folders expanded), as the recipe lists them
    StackLoadOptions typed;              ///< the typed exposures in input order (a folder's ev.txt included)
};

OrderedFrames openOrdered(const BandedMergeRequest& request, const ReadOptions& read)
{
    StackLoadOptions typed;
    typed.evs = request.evs;
    typed.timesS = request.timesS;
    const std::vector<std::string> files = resolveStackFiles(request.inputs, typed);
    if (files.size() < 2) throw UsageError("radiance merge needs at least two images");
    NullProgress quiet;
    OpenedFrames opened = openFramesAsRows(files, read, RowPurpose::Merge, quiet);
    std::vector<double> stops(files.size());
    for (std::size_t i = 0; i < files.size(); ++i) {
        const std::optional<double> s = frameExposure(i, files[i], typed, opened.info[i].exif).stops;
        if (!s) throw missingExposureError(files[i]);
        stops[i] = *s;
    }
    std::vector<std::size_t> order(files.size());
    std::iota(order.begin(), order.end(), std::size_t(0));
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return stops[a] < stops[b]; });
    OrderedFrames sorted;
    sorted.inputFiles = files;
    sorted.typed = typed;
    for (std::size_t i : order) {
        sorted.frames.files.push_back(files[i]);
        sorted.frames.readers.push_back(std::move(opened.readers[i]));
        sorted.frames.info.push_back(opened.info[i]);
        sorted.stops.push_back(stops[i]);
    }
    return sorted;
}

} // namespace

int runBandedMerge(const BandedMergeRequest& request, OutputOptions& out)
{
    ConsoleProgress progress("merge", request.quiet);
    progress.report(0.0, "opening");
    ReadOptions read;
    read.workingPrimaries = out.workingPrimaries();
    const OrderedFrames ordered = openOrdered(request, read);
    const OpenedFrames& frames = ordered.frames;
    const int k = int(frames.readers.size());
    out.metadataFrom = frames.files[(frames.files.size() - 1) / 2]; // the middle exposure, as the whole-image merge
    std::vector<double> times;
    for (double s : ordered.stops) times.push_back(std::exp2(s));
    RowMergeRecipe recipe = rowMergeRecipe(request.op->info().id, request.values, false);
    if (!recipe.possible) throw UsageError("--memory-mb merges row by row, which cannot run this merge: " + recipe.whyNot);
    if (endsWith(request.response, ".csv")) recipe.response.known = readResponseCsv(request.response);
    const RowMergeReport report =
        mergeFramesToFile(frames, times, recipe.response, recipe.params, request.budgetBytes, request.output, out.toWriteOptions(), progress);
    const CameraResponse& response = report.response;
    const bool recover = recipe.response.kind != RowMergeResponse::Kind::Known;
    const int width = report.widthPx, height = report.heightPx, outChannels = report.channels, bandRows = report.bandRows;
    const MergeCounts& total = report.counts;

    Sidecar sidecar;
    sidecar.operators.push_back({request.op->info().id, request.op->info().version, request.values});
    sidecar.inputFiles = frames.files;
    if (endsWith(request.response, ".csv")) {
        sidecar.inputFiles.push_back(request.response);
        sidecar.notes["response"] = "from " + request.response;
    }
    const double samplesTotal = double(width) * double(height) * double(outChannels);
    sidecar.numbers["clipped_everywhere_fraction"] = double(total.clippedEverywhere) / samplesTotal;
    sidecar.numbers["black_everywhere_fraction"] = double(total.blackEverywhere) / samplesTotal;
    if (recover) sidecar.numbers["samples_used"] = report.recovery.samplesUsed;
    sidecar.numbers["memory_budget_mb"] = double(request.budgetBytes >> 20);
    sidecar.numbers["band_rows"] = bandRows;
    sidecar.notes["content"] = "linear scene radiance, relative (exposure 2^stops = 1)";
    sidecar.notes["merge"] = "row by row within " + std::to_string(request.budgetBytes >> 20) + " MiB (" + request.budgetOrigin +
                             "); equal to the whole-image merge; " +
                             std::to_string(frames.scanlineCount()) + " of " + std::to_string(k) + " frames read by scanlines, the others read whole once";
    if (!request.responseOut.empty()) writeResponseCsv(request.responseOut, response);
    // The recipe: replay makes the same file (row by row equals the whole-image merge).
    Recipe replayable;
    replayable.inputs = ordered.inputFiles;
    replayable.evs = ordered.typed.evs;
    replayable.timesS = ordered.typed.timesS;
    replayable.steps.push_back({request.op->info().id, request.op->info().version, request.values,
                                endsWith(request.response, ".csv") ? request.response : std::string()});
    replayable.output = out;
    replayable.outputExtension = request.output.substr(request.output.find_last_of('.') + 1);
    sidecar.recipe = withAbsolutePaths(replayable);
    const WrittenOutput written = writeSidecarForRows(request.output, width, height, outChannels, 0, ColourEncoding::Linear, out, sidecar);
    progress.report(1.0, "done");
    progress.finish();
    if (!request.quiet) std::fprintf(stderr, "wrote %s (bands of %d rows within %zu MiB)\n", request.output.c_str(), bandRows, request.budgetBytes >> 20);
    if (request.json) printWrittenOutput(written);
    return kSuccess;
}

} // namespace fuselab::cli
