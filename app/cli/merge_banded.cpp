// fuselab-cli merge in bands; see merge_banded.hpp.
#include "merge_banded.hpp"

#include "cli_support.hpp"
#include "fuse_banded.hpp"

#include "fuselab/error.hpp"
#include "fuselab/exposure.hpp"
#include "fuselab/hdr_merge.hpp"
#include "fuselab/io.hpp"
#include "fuselab/merge_operators.hpp"
#include "fuselab/parallel.hpp"
#include "fuselab/row_io.hpp"
#include "fuselab/sidecar.hpp"
#include "fuselab/stack_io.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <mutex>
#include <numeric>
#include <optional>

namespace fuselab::cli {
namespace {

// The frames in the order loadStack gives them (by exposure, darkest first, stable), each with
// its stops: typed (--ev/--times, a folder's ev.txt) or from EXIF.
struct OrderedFrames {
    std::vector<std::string> files;
    std::vector<std::unique_ptr<FrameRowReader>> readers;
    std::vector<double> stops;
    int scanlines = 0;
};

OrderedFrames openOrdered(const BandedMergeRequest& request, const ReadOptions& read)
{
    std::vector<std::string> files = expandStackInputs(request.inputs);
    std::vector<double> evs = request.evs;
    std::error_code ec;
    if (evs.empty() && request.timesS.empty() && request.inputs.size() == 1 && std::filesystem::is_directory(request.inputs[0], ec))
        evs = listStackFolder(request.inputs[0]).evs;
    if (files.size() < 2) throw UsageError("radiance merge needs at least two images");
    if (!evs.empty() && evs.size() != files.size())
        throw Error("--ev lists " + std::to_string(evs.size()) + " values for " + std::to_string(files.size()) + " images");
    if (!request.timesS.empty() && request.timesS.size() != files.size())
        throw Error("--times lists " + std::to_string(request.timesS.size()) + " values for " + std::to_string(files.size()) + " images");
    NullProgress quiet;
    OpenedFrames opened = openFramesAsRows(files, read, RowPurpose::Merge, quiet);
    std::vector<std::optional<double>> stops(files.size());
    for (std::size_t i = 0; i < files.size(); ++i) {
        if (!evs.empty()) stops[i] = evs[i];
        else if (!request.timesS.empty()) {
            if (!(request.timesS[i] > 0.0)) throw Error(files[i], "exposure time must be positive");
            stops[i] = std::log2(request.timesS[i]);
        } else {
            stops[i] = exposureFromExif(opened.info[i].exif).stops;
        }
        if (!stops[i])
            throw Error(files[i], "no exposure data (no EXIF exposure time); radiance merge needs it: "
                                  "give --ev LIST (stops, +1 = twice the light) or --times LIST (seconds)");
        const FrameRowReader& f = *opened.readers[i];
        const FrameRowReader& first = *opened.readers.front();
        if (f.widthPx() != first.widthPx() || f.heightPx() != first.heightPx() || f.channels() != first.channels())
            throw Error(files[i], "differs from the first frame (" + files.front() + ") in size or channels");
    }
    std::vector<std::size_t> order(files.size());
    std::iota(order.begin(), order.end(), std::size_t(0));
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return *stops[a] < *stops[b]; });
    OrderedFrames sorted;
    sorted.scanlines = opened.scanlineCount();
    for (std::size_t i : order) {
        sorted.files.push_back(files[i]);
        sorted.readers.push_back(std::move(opened.readers[i]));
        sorted.stops.push_back(*stops[i]);
    }
    return sorted;
}

// Reads `rows` rows of every frame into its buffer, one frame per worker (decoders are independent).
void readBand(OrderedFrames& frames, int rows, std::vector<std::vector<std::uint8_t>>& buffers)
{
    parallelFor(0, int(frames.readers.size()), 1, [&](int a, int b) {
        for (int j = a; j < b; ++j) {
            FrameRowReader& r = *frames.readers[std::size_t(j)];
            const std::size_t rowBytes = std::size_t(r.widthPx()) * r.channels() * bytesPerSample(r.sampleType());
            buffers[std::size_t(j)].resize(rowBytes * std::size_t(rows));
            for (int y = 0; y < rows; ++y) r.readRow(buffers[std::size_t(j)].data() + rowBytes * std::size_t(y));
        }
    });
}

} // namespace

int runBandedMerge(const BandedMergeRequest& request, OutputOptions& out)
{
    ConsoleProgress progress("merge", request.quiet);
    progress.report(0.0, "opening");
    ReadOptions read;
    read.workingPrimaries = out.workingPrimaries();
    OrderedFrames frames = openOrdered(request, read);
    const FrameRowReader& first = *frames.readers.front();
    const int width = first.widthPx(), height = first.heightPx(), channels = first.channels(), k = int(frames.readers.size());
    out.metadataFrom = frames.files[(frames.files.size() - 1) / 2]; // the middle exposure, as the whole-image merge
    std::vector<double> times;
    for (double s : frames.stops) times.push_back(std::exp2(s));

    // Rows per band: every frame's rows and the radiance rows within the budget.
    std::size_t perRow = std::size_t(width) * 3 * sizeof(float);
    for (const auto& r : frames.readers) perRow += std::size_t(width) * r->channels() * bytesPerSample(r->sampleType());
    const int bandRows = int(std::clamp<std::size_t>(request.budgetBytes / 2 / perRow, 1, std::size_t(std::min(height, 512))));

    // The response: recovered from sample pixels gathered in a first pass, or known.
    CameraResponse response = CameraResponse::srgb();
    ResponseRecoveryReport report;
    const bool recover = request.response == "debevec" || request.response == "robertson";
    std::vector<std::vector<std::uint8_t>> buffers(static_cast<std::size_t>(k));
    if (recover) {
        const DebevecParams dp = request.response == "debevec" ? debevecParamsFromValues(request.values) : DebevecParams{};
        const RobertsonParams rp = request.response == "robertson" ? robertsonParamsFromValues(request.values) : RobertsonParams{};
        // Only the method's own pixels: the other method's parameters are left at one sample.
        DebevecParams gatherD = dp;
        RobertsonParams gatherR = rp;
        if (request.response == "debevec") gatherR.maxSamplePixels = 1;
        else gatherD.samples = 1;
        RecoverySamples samples(width, height, channels, times, gatherD, gatherR);
        for (int y0 = 0; y0 < height; y0 += bandRows) {
            progress.checkCancelled();
            const int rows = std::min(bandRows, height - y0);
            readBand(frames, rows, buffers);
            for (int j = 0; j < k; ++j) {
                const FrameRowReader& r = *frames.readers[std::size_t(j)];
                const std::size_t rowBytes = std::size_t(width) * channels * bytesPerSample(r.sampleType());
                for (int y = 0; y < rows; ++y)
                    if (samples.needsRow(y0 + y)) samples.addRow(j, y0 + y, buffers[std::size_t(j)].data() + rowBytes * std::size_t(y), r.sampleType());
            }
            progress.report(0.4 * double(y0 + rows) / double(height), "sampling pixels");
        }
        NullProgress quiet;
        response = request.response == "debevec" ? recoverResponseDebevec(samples, dp, quiet, &report)
                                                  : recoverResponseRobertson(samples, rp, quiet, &report);
        for (auto& r : frames.readers) r->restart();
    } else if (endsWith(request.response, ".csv")) {
        response = readResponseCsv(request.response);
    } else {
        response = knownResponseFromValues(request.values);
    }

    std::vector<RadianceRowMerger::FrameInfo> info;
    for (int j = 0; j < k; ++j) info.push_back({frames.readers[std::size_t(j)]->sampleType(), times[std::size_t(j)]});
    const RadianceRowMerger merger(info, channels, response, mergeParamsFromValues(request.values));
    const int outChannels = merger.outputChannels();
    ImageRowFile file(request.output, width, height, outChannels, FusedSampleType::Float, out.toWriteOptions());
    std::vector<float> radiance(std::size_t(bandRows) * std::size_t(width) * std::size_t(outChannels));
    MergeCounts total;
    const double begin = recover ? 0.4 : 0.0;
    for (int y0 = 0; y0 < height; y0 += bandRows) {
        progress.checkCancelled();
        const int rows = std::min(bandRows, height - y0);
        readBand(frames, rows, buffers);
        std::mutex countsMutex;
        parallelFor(0, rows, 4, [&](int a, int b) {
            std::vector<const void*> rowPtrs(std::size_t(k), nullptr);
            MergeCounts counts;
            for (int y = a; y < b; ++y) {
                for (int j = 0; j < k; ++j) {
                    const FrameRowReader& r = *frames.readers[std::size_t(j)];
                    rowPtrs[std::size_t(j)] = buffers[std::size_t(j)].data() + std::size_t(width) * channels * bytesPerSample(r.sampleType()) * std::size_t(y);
                }
                merger.mergeRow(rowPtrs.data(), width, nullptr, radiance.data() + std::size_t(y) * std::size_t(width) * std::size_t(outChannels), counts);
            }
            std::lock_guard<std::mutex> lock(countsMutex);
            total.clippedEverywhere += counts.clippedEverywhere;
            total.blackEverywhere += counts.blackEverywhere;
        });
        for (int y = 0; y < rows; ++y) file.writeRow(radiance.data() + std::size_t(y) * std::size_t(width) * std::size_t(outChannels));
        progress.report(begin + (0.98 - begin) * double(y0 + rows) / double(height), "merging radiance");
    }
    progress.report(0.98, "writing");
    file.commit();

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
    if (recover) sidecar.numbers["samples_used"] = report.samplesUsed;
    sidecar.numbers["memory_budget_mb"] = double(request.budgetBytes >> 20);
    sidecar.numbers["band_rows"] = bandRows;
    sidecar.notes["content"] = "linear scene radiance, relative (exposure 2^stops = 1)";
    sidecar.notes["merge"] = "row by row within " + std::to_string(request.budgetBytes >> 20) + " MiB (" + request.budgetOrigin +
                             "); equal to the whole-image merge; " +
                             std::to_string(frames.scanlines) + " of " + std::to_string(k) + " frames read by scanlines, the others read whole once";
    if (!request.responseOut.empty()) writeResponseCsv(request.responseOut, response);
    const WrittenOutput written = writeSidecarForRows(request.output, width, height, outChannels, 0, ColourEncoding::Linear, out, sidecar);
    progress.report(1.0, "done");
    progress.finish();
    if (!request.quiet) std::fprintf(stderr, "wrote %s (bands of %d rows within %zu MiB)\n", request.output.c_str(), bandRows, request.budgetBytes >> 20);
    if (request.json) printWrittenOutput(written);
    return kSuccess;
}

} // namespace fuselab::cli
