// Planning, validation and dispatch of the banded fusion (banded_fusion.hpp); the engine is
// mertens_bands.cpp.
#include "fuselab/banded_fusion.hpp"

#include "band_rows.hpp"
#include "dispatch.hpp"
#include "fuselab/base/error.hpp"
#include "fuselab/io.hpp"
#include "fuselab/base/system_memory.hpp"
#include "fuselab/base/pyramid_geometry.hpp"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <string>

namespace fuselab {

std::size_t defaultMemoryBudgetBytes()
{
    // A job scheduler's limit (or a test) may set the budget outright.
    if (const char* mb = std::getenv("FUSELAB_MEMORY_MB")) {
        char* end = nullptr;
        const unsigned long long value = std::strtoull(mb, &end, 10);
        if (end != mb && *end == '\0' && value >= 64) return std::size_t(value) << 20;
    }
    return std::max<std::size_t>(availableMemoryBytes() / 2, std::size_t(256) << 20);
}

std::size_t wholeFusionBytes(int widthPx, int heightPx, int frames, int channels, int bytesPerSample)
{
    const double pixels = double(widthPx) * double(heightPx);
    const int planes = channels >= 3 ? 3 : 1;
    // Frames as stored; 16-bit weights; 16-bit level 1 (a quarter); float output and coarse levels.
    const double perPixel = frames * (channels * bytesPerSample + 2.0 + planes * 2.0 / 4.0) + planes * 4.0 * (1.0 + 1.0 / 3.0);
    return std::size_t(pixels * perPixel);
}

namespace {

std::optional<ImageHeader> firstReadableHeader(const std::vector<std::string>& files)
{
    for (const std::string& f : files) {
        try {
            return probeImage(f);
        } catch (const Error&) {
            // the next one; the whole-image path names this file's problem
        }
    }
    return std::nullopt;
}

} // namespace

std::size_t wholeFusionBytesOfFiles(const std::vector<std::string>& files)
{
    const std::optional<ImageHeader> h = firstReadableHeader(files);
    return h ? wholeFusionBytes(h->width, h->height, int(files.size()), h->channels, std::max(1, h->bitDepth / 8)) : 0;
}

std::size_t wholeMergeBytesOfFiles(const std::vector<std::string>& files)
{
    const std::optional<ImageHeader> h = firstReadableHeader(files);
    if (!h) return 0;
    const double perPixel = double(files.size()) * h->channels * std::max(1, h->bitDepth / 8) + 12.0;
    return std::size_t(double(h->width) * double(h->height) * perPixel);
}

namespace {

std::vector<int> levelHeights(int heightPx, int count)
{
    std::vector<int> h;
    for (int j = 0, v = heightPx; j < count; ++j, v = (v + 1) / 2) h.push_back(v);
    return h;
}

std::size_t levelArea(int widthPx, int heightPx, int level)
{
    for (int j = 0; j < level; ++j) {
        widthPx = (widthPx + 1) / 2;
        heightPx = (heightPx + 1) / 2;
    }
    return std::size_t(widthPx) * std::size_t(heightPx);
}

// What the engine holds whole: level L0 of every frame and weight pyramid (pass 1), and the
// blend of the levels ≥ L0 with its working copies (about two more pyramids of level L0).
std::size_t keptBytes(int widthPx, int heightPx, int frames, int planes, int coarseLevel)
{
    if (coarseLevel == 0) return 0;
    const std::size_t area = levelArea(widthPx, heightPx, coarseLevel);
    return area * sizeof(float) * (std::size_t(frames) * std::size_t(planes + 1) + std::size_t(3 * planes + 2));
}

// Per level-0 row a band spans: the frames' rows and their weights (16-bit, or float when supplied); one frame's Gaussian and
// weight bands of levels ≥ 1 (a third of a row each, summed over levels), level 1 again in its
// 16-bit form; the accumulators of every level and the collapse (about 4·planes/3 floats).
std::size_t bytesPerBandRow(int widthPx, int frames, int channels, RowSampleType type, int planes, int weightBytes)
{
    const double perPixel = double(frames) * (channels * bytesPerSample(type) + weightBytes) + 4.0 * planes / 3.0 + 4.0 / 3.0 +
                            4.0 * planes / 4.0 + 4.0 * planes + 2.0 * 4.0 * planes / 3.0;
    return std::size_t(std::ceil(perPixel * widthPx));
}

// Per-thread scratch: the weight strips (16 rows of every frame) and row buffers.
std::size_t scratchBytes(int widthPx, int frames)
{
    return std::size_t(widthPx) * sizeof(float) * (std::size_t(frames) * 16 + 64) * 2;
}

} // namespace

BandedFusionPlan planBandedFusion(int widthPx, int heightPx, int frames, int channels, RowSampleType sampleType,
                                  const MertensParams& params, const BandedFusionOptions& options)
{
    if (widthPx < 1 || heightPx < 1 || frames < 1) throw Error("banded fusion needs at least one non-empty frame");
    if (channels != 1 && channels != 3 && channels != 4) throw Error("banded fusion takes 1, 3 or 4 channels");
    const int planes = channels >= 3 ? 3 : 1;
    BandedFusionPlan plan;
    // Mertens's depth, or pyramidBlend's for supplied weights (they differ by one level at some sizes).
    const int maxLevels = options.weightRows ? autoPyramidLevels(widthPx, heightPx, 1) : mertensPyramidLevels(widthPx, heightPx);
    plan.levels = params.levels > 0 ? std::min(params.levels, maxLevels) : maxLevels;
    const std::size_t budget = options.memoryBudgetBytes;
    if (plan.levels > 1) {
        if (options.coarseLevel > 0) {
            plan.coarseLevel = std::min(options.coarseLevel, plan.levels - 1);
        } else {
            plan.coarseLevel = 1;
            while (plan.coarseLevel < plan.levels - 1 && keptBytes(widthPx, heightPx, frames, planes, plan.coarseLevel) > budget / 4)
                ++plan.coarseLevel;
        }
    }
    const std::vector<int> heights = levelHeights(heightPx, std::max(1, plan.coarseLevel) + 1);
    // The widest margin any band sees: a band in the middle of the image (edges mirror inwards).
    const int probeRows = std::min(heightPx, 64);
    const int probeBegin = std::max(0, std::min(heightPx - probeRows, heightPx / 2));
    const detail::RowRange probe{probeBegin, probeBegin + probeRows};
    const detail::RowRange spans = detail::rowsForOutputBand(probe, heights, plan.coarseLevel).frames;
    plan.marginRows = std::max(probe.begin - spans.begin, spans.end - probe.end);
    const std::size_t fixed = keptBytes(widthPx, heightPx, frames, planes, plan.coarseLevel) + scratchBytes(widthPx, frames);
    const std::size_t perRow = bytesPerBandRow(widthPx, frames, channels, sampleType, planes, options.weightRows ? 4 : 2);
    if (options.bandRows > 0) {
        plan.bandRows = std::min(options.bandRows, heightPx);
    } else {
        const std::size_t left = budget > fixed ? budget - fixed : 0;
        const long long rows = (long long)(left / perRow) - 2LL * plan.marginRows;
        if (rows < 1)
            throw Error("a memory budget of " + std::to_string(budget >> 20) + " MiB is too small to fuse " + std::to_string(frames) +
                        " frames of " + std::to_string(widthPx) + "×" + std::to_string(heightPx) + " in bands (at least " +
                        std::to_string((fixed + perRow * std::size_t(2 * plan.marginRows + 1)) >> 20) + " MiB)");
        plan.bandRows = int(std::min<long long>(rows, heightPx));
    }
    plan.bands = (heightPx + plan.bandRows - 1) / plan.bandRows;
    plan.estimatedPeakBytes = fixed + perRow * std::size_t(std::min(heightPx, plan.bandRows + 2 * plan.marginRows));
    return plan;
}

BandedFusionPlan fuseMertensBanded(const std::vector<FrameRowReader*>& frames, const MertensParams& params,
                                   const BandedFusionOptions& options, FusedRowWriter& out, ProgressSink& progress)
{
    if (frames.empty()) throw Error("exposure fusion needs at least one frame");
    const FrameRowReader& first = *frames.front();
    for (const FrameRowReader* f : frames)
        if (f->widthPx() != first.widthPx() || f->heightPx() != first.heightPx() || f->channels() != first.channels())
            throw Error(f->path(), "differs in size or channels from the first frame of the stack (" + first.path() + ")");
    validateMertensParams(params);
    RowSampleType widest = RowSampleType::U8;
    for (const FrameRowReader* f : frames)
        if (bytesPerSample(f->sampleType()) > bytesPerSample(widest)) widest = f->sampleType();
    const BandedFusionPlan plan =
        planBandedFusion(first.widthPx(), first.heightPx(), int(frames.size()), first.channels(), widest, params, options);
    progress.checkCancelled();
    const auto runEngine = [&] { FUSELAB_DISPATCH(return, fuseMertensBandedImpl(frames, params, plan, options, out, progress)); };
    runEngine();
    progress.report(1.0, "done");
    return plan;
}

namespace {

class ImageRows final : public FrameRowReader {
public:
    ImageRows(SampleImage image, std::string path) : m_image(std::move(image)), m_path(std::move(path)) {}
    int widthPx() const override { return m_image.width(); }
    int heightPx() const override { return m_image.height(); }
    int channels() const override { return m_image.channels(); }
    RowSampleType sampleType() const override { return rowSampleTypeOf(m_image); }
    const std::string& path() const override { return m_path; }
    void restart() override { m_next = 0; }
    void readRow(void* dst) override
    {
        if (m_next >= heightPx()) throw Error(m_path, "read past the last row (" + std::to_string(m_next) + " of " + std::to_string(heightPx()) + ")");
        const std::size_t bytes = std::size_t(widthPx()) * channels() * bytesPerSample(sampleType());
        std::memcpy(dst, rowOf(m_image, m_next), bytes);
        ++m_next;
    }

private:
    SampleImage m_image;
    std::string m_path;
    int m_next = 0;
};

} // namespace

std::unique_ptr<FrameRowReader> frameRowsOf(const SampleImage& image, std::string path)
{
    if (image.encoding() == ColourEncoding::Linear)
        throw Error(path, "holds linear light; banded fusion takes display-encoded frames (fuse it whole)");
    return std::make_unique<ImageRows>(image, std::move(path));
}

} // namespace fuselab
