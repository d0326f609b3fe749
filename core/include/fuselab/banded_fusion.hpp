// Exposure fusion in row bands with bounded memory (issue 21): the same Mertens fusion as
// fuseMertens (mertens.hpp) and the same output bit for bit, computed band by band so that peak
// memory follows a budget instead of the image size. Frames are read from top to bottom twice:
// once for the coarse pyramid levels, which are kept whole (they are small), once for the fine
// levels, which live only for the band being written, each level's band widened by the 5-tap
// kernel's reach so that every written row sees exactly the samples the whole image would.
#pragma once

#include "fuselab/frame_rows.hpp"
#include "fuselab/mertens.hpp"
#include "fuselab/base/progress.hpp"

#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace fuselab {

/// Per-pixel weights supplied from elsewhere (the learned fusion's network): fills rows [y0, y1)
/// of every frame's weight map. frameRow(f, y) is frame f's row y as float samples in [0,1] (the
/// frame's channels, interleaved) for any y of the image within one row of [y0, y1);
/// weightRow(f, y) is where row y of frame f's weights goes. Called from several threads at once,
/// for disjoint rows.
using FrameRowFn = std::function<const float*(int frame, int y)>;
using WeightRowFn = std::function<float*(int frame, int y)>;
using WeightRowsFn = std::function<void(int y0, int y1, const FrameRowFn& frameRow, const WeightRowFn& weightRow)>;

struct BandedFusionOptions {
    std::size_t memoryBudgetBytes = std::size_t(1) << 30; ///< what the engine may hold at once
    FusedSampleType outputType = FusedSampleType::U8;    ///< integers clipped to [0,1] and rounded
    int bandRows = 0;    ///< output rows per band; 0 = as many as the budget allows
    int coarseLevel = 0; ///< first pyramid level kept whole (≥ 1); 0 = the finest that fits a quarter of the budget
    /// Set: these weights, blended in float as pyramidBlend blends (no 16-bit steps), over
    /// params.levels levels; the Mertens weight parameters are not used. Unset: Mertens weights.
    WeightRowsFn weightRows;
};

/// How a fusion is cut up, and what it is expected to hold at its peak.
struct BandedFusionPlan {
    int levels = 0;      ///< pyramid levels (as fuseMertens)
    int coarseLevel = 0; ///< levels ≥ this are computed whole; 0 when there is no pyramid
    int bandRows = 0;    ///< output rows per band
    int bands = 0;
    int marginRows = 0;  ///< extra level-0 rows each band reads above and below
    std::size_t estimatedPeakBytes = 0;
};

/// The plan fuseMertensBanded would follow (no pixels touched). Throws fuselab::Error when even
/// one-row bands do not fit the budget.
BandedFusionPlan planBandedFusion(int widthPx, int heightPx, int frames, int channels, RowSampleType sampleType,
                                  const MertensParams& params, const BandedFusionOptions& options);

/// Fuses the frames (equal sizes and channel counts) into `out`; equals fuseMertens on the same
/// frames (no motion mask) bit for bit — or, with options.weightRows, pyramidBlend of the frames
/// (as float) with those weights. Progress per band; throws fuselab::Cancelled when asked.
BandedFusionPlan fuseMertensBanded(const std::vector<FrameRowReader*>& frames, const MertensParams& params,
                                   const BandedFusionOptions& options, FusedRowWriter& out, ProgressSink& progress);

/// The default budget of a fusion or merge that may run in bands: FUSELAB_MEMORY_MB (MiB, ≥ 64)
/// when set, else half of the memory the kernel reports available (MemAvailable), at least 256 MiB.
std::size_t defaultMemoryBudgetBytes();

/// What the whole-image Mertens engine holds at its peak for these frames (measured: 34 bytes per
/// output pixel for four 8-bit RGB frames of 108 MP): the frames, their 16-bit weights and level-1
/// images, the output and the coarse levels.
std::size_t wholeFusionBytes(int widthPx, int heightPx, int frames, int channels, int bytesPerSample);

/// The same estimates for files, from the first one whose header reads (0 when none does: the
/// whole-image path then reports the problem): wholeFusionBytes, and the whole-image merge's peak
/// (the frames as stored and the float radiance; measured 24.9 bytes per pixel for four 8-bit RGB
/// frames of 108 MP).
std::size_t wholeFusionBytesOfFiles(const std::vector<std::string>& files);
std::size_t wholeMergeBytesOfFiles(const std::vector<std::string>& files);

/// Rows of a decoded image (a file that cannot be read in parts, and the tests). Shares pixels.
std::unique_ptr<FrameRowReader> frameRowsOf(const SampleImage& image, std::string path);

} // namespace fuselab
