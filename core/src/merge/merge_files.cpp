// mergeFramesToFile and rowMergeRecipe (merge_files.hpp).
#include "fuselab/merge_files.hpp"

#include "fuselab/base/error.hpp"
#include "fuselab/merge_operators.hpp"
#include "fuselab/base/parallel.hpp"

#include <algorithm>
#include <mutex>

namespace fuselab {
namespace {

// Reads `rows` rows of every frame into its buffer, one frame per worker (decoders are independent).
void readBand(const OpenedFrames& frames, int rows, std::vector<std::vector<std::uint8_t>>& buffers)
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

std::size_t rowBytesOf(const FrameRowReader& r)
{
    return std::size_t(r.widthPx()) * std::size_t(r.channels()) * std::size_t(bytesPerSample(r.sampleType()));
}

} // namespace

RowMergeRecipe rowMergeRecipe(const std::string& operatorId, const ParamValues& values, bool aligned)
{
    RowMergeRecipe r;
    if (aligned) r.whyNot = "alignment works on whole frames (turn it off)";
    else if (values.flag("deghost")) r.whyNot = "deghosting works on whole frames (turn it off)";
    else if (operatorId == "merge-debevec") r.response.kind = RowMergeResponse::Kind::Debevec;
    else if (operatorId == "merge-robertson") r.response.kind = RowMergeResponse::Kind::Robertson;
    else if (operatorId == "merge-response") r.response.kind = RowMergeResponse::Kind::Known;
    else r.whyNot = "only the built-in merges run row by row (not '" + operatorId + "')";
    if (!r.whyNot.empty()) return r;
    if (r.response.kind == RowMergeResponse::Kind::Debevec) r.response.debevec = debevecParamsFromValues(values);
    if (r.response.kind == RowMergeResponse::Kind::Robertson) r.response.robertson = robertsonParamsFromValues(values);
    if (r.response.kind == RowMergeResponse::Kind::Known) r.response.known = knownResponseFromValues(values);
    r.params = mergeParamsFromValues(values);
    r.possible = true;
    return r;
}

RowMergeReport mergeFramesToFile(const OpenedFrames& frames, const std::vector<double>& times, const RowMergeResponse& how,
                                 const MergeParams& params, std::size_t budgetBytes, const std::string& output, const WriteOptions& write,
                                 ProgressSink& progress)
{
    if (frames.readers.size() < 2) throw Error("radiance merge needs at least two images");
    if (times.size() != frames.readers.size()) throw Error("one exposure time per frame is needed");
    const FrameRowReader& first = *frames.readers.front();
    const int width = first.widthPx(), height = first.heightPx(), channels = first.channels(), k = int(frames.readers.size());
    for (std::size_t i = 0; i < frames.readers.size(); ++i) {
        const FrameRowReader& f = *frames.readers[i];
        if (f.widthPx() != width || f.heightPx() != height || f.channels() != channels)
            throw Error(f.path(), "differs from the first frame (" + first.path() + ") in size or channels");
    }
    RowMergeReport report;
    report.widthPx = width;
    report.heightPx = height;

    // Rows per band: every frame's rows and the radiance rows within the budget.
    std::size_t perRow = std::size_t(width) * 3 * sizeof(float);
    for (const auto& r : frames.readers) perRow += rowBytesOf(*r);
    report.bandRows = int(std::clamp<std::size_t>(budgetBytes / 2 / perRow, 1, std::size_t(std::min(height, 512))));
    const int bandRows = report.bandRows;

    // The response: recovered from the sample pixels gathered on a first pass, or known.
    std::vector<std::vector<std::uint8_t>> buffers(static_cast<std::size_t>(k));
    const bool recover = how.kind != RowMergeResponse::Kind::Known;
    report.response = how.known;
    if (recover) {
        // Only the method's own pixels: the other method's count is left at one sample.
        DebevecParams gatherD = how.debevec;
        RobertsonParams gatherR = how.robertson;
        if (how.kind == RowMergeResponse::Kind::Debevec) gatherR.maxSamplePixels = 1;
        else gatherD.samples = 1;
        RecoverySamples samples(width, height, channels, times, gatherD, gatherR);
        for (int y0 = 0; y0 < height; y0 += bandRows) {
            progress.checkCancelled();
            const int rows = std::min(bandRows, height - y0);
            readBand(frames, rows, buffers);
            for (int j = 0; j < k; ++j) {
                const FrameRowReader& r = *frames.readers[std::size_t(j)];
                for (int y = 0; y < rows; ++y)
                    if (samples.needsRow(y0 + y))
                        samples.addRow(j, y0 + y, buffers[std::size_t(j)].data() + rowBytesOf(r) * std::size_t(y), r.sampleType());
            }
            progress.report(0.4 * double(y0 + rows) / double(height), "sampling pixels");
        }
        NullProgress quiet;
        report.response = how.kind == RowMergeResponse::Kind::Debevec ? recoverResponseDebevec(samples, how.debevec, quiet, &report.recovery)
                                                                      : recoverResponseRobertson(samples, how.robertson, quiet, &report.recovery);
        for (const auto& r : frames.readers) r->restart();
    }

    std::vector<RadianceRowMerger::FrameInfo> info;
    for (int j = 0; j < k; ++j) info.push_back({frames.readers[std::size_t(j)]->sampleType(), times[std::size_t(j)]});
    MergeParams rowParams = params;
    rowParams.motion = nullptr;
    const RadianceRowMerger merger(info, channels, report.response, rowParams);
    report.channels = merger.outputChannels();
    const int outChannels = report.channels;
    ImageRowFile file(output, width, height, outChannels, FusedSampleType::Float, write);
    std::vector<float> radiance(std::size_t(bandRows) * std::size_t(width) * std::size_t(outChannels));
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
                for (int j = 0; j < k; ++j)
                    rowPtrs[std::size_t(j)] = buffers[std::size_t(j)].data() + rowBytesOf(*frames.readers[std::size_t(j)]) * std::size_t(y);
                merger.mergeRow(rowPtrs.data(), width, nullptr, radiance.data() + std::size_t(y) * std::size_t(width) * std::size_t(outChannels), counts);
            }
            std::lock_guard<std::mutex> lock(countsMutex);
            report.counts.clippedEverywhere += counts.clippedEverywhere;
            report.counts.blackEverywhere += counts.blackEverywhere;
        });
        for (int y = 0; y < rows; ++y) file.writeRow(radiance.data() + std::size_t(y) * std::size_t(width) * std::size_t(outChannels));
        progress.report(begin + (0.98 - begin) * double(y0 + rows) / double(height), "merging radiance");
    }
    progress.report(0.98, "writing");
    file.commit();
    return report;
}

} // namespace fuselab
