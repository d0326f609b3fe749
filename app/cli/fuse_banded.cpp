// fuselab-cli fuse in bands; see fuse_banded.hpp.
#include "fuse_banded.hpp"

#include "cli_support.hpp"

#include "fuselab/banded_fusion.hpp"
#include "fuselab/error.hpp"
#include "fuselab/fusion_operators.hpp"
#include "fuselab/row_io.hpp"
#include "fuselab/sidecar.hpp"
#include "fuselab/stack_io.hpp"
#if defined(FUSELAB_HAVE_LEARN)
#include "fuselab/learn/fusion_model.hpp"
#include "fuselab/learn/learn_library.hpp"
#include "fuselab/learn/learned_operator.hpp"
#include "fuselab/parallel.hpp"

#include <atomic>
#endif

#include <algorithm>
#include <functional>
#include <map>
#include <cstdio>
#include <filesystem>
#include <memory>

namespace fuselab::cli {

std::vector<std::string> expandStackInputs(const std::vector<std::string>& inputs)
{
    std::vector<std::string> files;
    for (const std::string& in : inputs) {
        std::error_code ec;
        if (std::filesystem::is_directory(in, ec)) {
            const FolderListing listing = listStackFolder(in);
            files.insert(files.end(), listing.files.begin(), listing.files.end());
        } else {
            files.push_back(in);
        }
    }
    return files;
}

namespace {

// Sets the weights of a banded fusion (options.weightRows, params) before the bands run, with
// the frames opened and free to read (they are restarted afterwards); nothing for Mertens.
using PrepareWeights = std::function<void(const OpenedFrames& frames, BandedFusionOptions& options, MertensParams& params, ProgressSink& progress)>;

int runBanded(const BandedFuseRequest& request, OutputOptions& out, MertensParams params, const PrepareWeights& prepare,
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
    switch (sampleTypeFor(request.output, out)) {
    case FusedSampleTypeChoice::U8: options.outputType = FusedSampleType::U8; break;
    case FusedSampleTypeChoice::U16: options.outputType = FusedSampleType::U16; break;
    case FusedSampleTypeChoice::Float: options.outputType = FusedSampleType::Float; break;
    }
    double begin = 0.02;
    if (prepare) {
        ProgressSpan preparing(progress, 0.02, 0.35);
        prepare(frames, options, params, preparing);
        for (const auto& r : frames.readers) r->restart();
        begin = 0.35;
    }
    ProgressSpan fusing(progress, begin, 0.99);
    const BandedFusionPlan plan = fuseFramesToFile(frames, params, options, request.output, out.toWriteOptions(), fusing);
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
    return runBanded(request, out, mertensParamsFromValues(request.values), {}, {});
}

int runBandedLearnedFuse(const BandedFuseRequest& request, const std::string& modelPath, OutputOptions& out)
{
#if defined(FUSELAB_HAVE_LEARN)
    std::error_code ec;
    if (!std::filesystem::is_regular_file(modelPath, ec)) throw Error(modelPath, "no such file");
    const learn::FuseOptions fuseOptions = learn::fuseOptionsFromValues(request.values);
    if (fuseOptions.device == learn::DeviceChoice::Cuda)
        throw UsageError("--memory-mb computes the learned weights a band at a time on the CPU (leave --param device at auto or cpu)");
    std::shared_ptr<const learn::FusionModel> model;
    std::unique_ptr<learn::BandWeights> weights;
    const PrepareWeights prepare = [&](const OpenedFrames& frames, BandedFusionOptions& options, MertensParams& params, ProgressSink& progress) {
        progress.report(0.0, "loading model");
        model = learn::LearnLibrary::get().loadModel(modelPath);
        const FrameRowReader& first = *frames.readers.front();
        weights = model->bandWeights(int(frames.readers.size()), first.widthPx(), first.heightPx(), first.channels(), fuseOptions);
        // Pass 1: every frame's rows into the network's low-resolution input, one frame per worker.
        std::atomic<int> framesDone{0};
        parallelFor(0, int(frames.readers.size()), 1, [&](int f0, int f1) {
            for (int f = f0; f < f1; ++f) {
                FrameRowReader& r = *frames.readers[std::size_t(f)];
                const std::size_t samples = std::size_t(r.widthPx()) * std::size_t(r.channels());
                std::vector<std::uint8_t> raw(samples * std::size_t(bytesPerSample(r.sampleType())));
                std::vector<float> row(samples);
                for (int y = 0; y < r.heightPx(); ++y) {
                    r.readRow(raw.data());
                    rowSamplesToFloat(r.sampleType(), raw.data(), samples, row.data());
                    weights->addRow(f, y, row.data());
                }
                ++framesDone;
            }
        });
        progress.report(0.8, "network");
        progress.checkCancelled();
        weights->finish();
        params.levels = weights->pyramidLevels();
        const learn::BandWeights* w = weights.get();
        options.weightRows = [w](int y0, int y1, const FrameRowFn& frameRow, const WeightRowFn& weightRow) { w->weightRows(y0, y1, frameRow, weightRow); };
    };
    return runBanded(request, out, MertensParams{}, prepare, {{"model", modelPath}});
#else
    (void)request;
    (void)modelPath;
    (void)out;
    throw Error("this fuselab-cli was built without LibTorch: --method learned is unavailable");
#endif
}

} // namespace fuselab::cli
