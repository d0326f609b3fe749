// Private helpers shared by response recovery and the radiance merge.
#pragma once

#include "fuselab/base/exposure.hpp"
#include "fuselab/hdr_merge.hpp"
#include "fuselab/base/response.hpp"

#include <string>
#include <vector>

namespace fuselab::merge_detail {

/// Colour channels merged for a stack of `channels` (1 or 2 → 1 grey; 3 or 4 → RGB, alpha dropped).
int colourChannels(int channels);

/// Throws fuselab::Error when the stack has fewer than minFrames frames or its frames differ
/// in size or channel count (naming the offending frame). `what` names the task.
void validateFrames(const ExposureStack& stack, std::size_t minFrames, const std::string& what);

/// Code of sample (x, y, c) binned to `levels` codes: z = round(v·(L−1)), v in [0,1]
/// (8-bit data at L = 256 is returned as is; NaN counts as 0).
int binnedCode(const SampleImage& image, int x, int y, int c, int levels);
/// The same for one stored sample: an 8-bit or 16-bit code, or a float value.
int binnedCodeOf(RowSampleType type, double stored, int levels);

/// Where response recovery reads its pixels: a whole stack, or samples gathered from rows
/// (RecoverySamples). Frames in stack order.
class PixelSource {
public:
    virtual ~PixelSource() = default;
    virtual int binnedCode(int frame, int x, int y, int c, int levels) const = 0;
};

class StackPixels final : public PixelSource {
public:
    explicit StackPixels(const ExposureStack& stack) : m_stack(stack) {}
    int binnedCode(int frame, int x, int y, int c, int levels) const override
    {
        return merge_detail::binnedCode(m_stack.frames[std::size_t(frame)].pixels, x, y, c, levels);
    }

private:
    const ExposureStack& m_stack;
};

/// The pixels each method reads: Debevec's regular grid, Robertson's every s-th pixel.
std::vector<std::pair<int, int>> debevecSamplePixels(int widthPx, int heightPx, int samples);
std::vector<std::pair<int, int>> robertsonSamplePixels(int widthPx, int heightPx, int maxPixels);

/// What the recoveries share about the frames, beside their pixels.
struct RecoveryFrames {
    int widthPx = 0, heightPx = 0, frames = 0, channels = 0; ///< channels: colour channels (1 or 3)
    std::vector<double> relativeTimes;
};
CameraResponse recoverDebevec(const PixelSource& pixels, const RecoveryFrames& frames, const DebevecParams& params, ProgressSink& progress,
                              ResponseRecoveryReport* report);
CameraResponse recoverRobertson(const PixelSource& pixels, const RecoveryFrames& frames, const RobertsonParams& params,
                                ProgressSink& progress, ResponseRecoveryReport* report);

/// `count` positions on a regular grid over the image, cell centres (≈ count: nx·ny with
/// nx/ny following the aspect ratio). Pairs (x, y).
std::vector<std::pair<int, int>> regularGrid(int widthPx, int heightPx, int count);

/// Repairs a log-inverse curve g(z) into a strictly increasing one: weighted isotonic
/// regression (pool adjacent violators, weights = data support + a small floor so uncovered
/// codes follow their neighbours), pooled runs turned into gentle ramps around their mean,
/// then a minimum step of `minStepLn`. Returns how many codes moved by more than 1e-6.
int makeStrictlyIncreasing(std::vector<double>& g, const std::vector<double>& support, double minStepLn = 1e-4);

/// Table response with `levels` rows at v = z/(L−1) and X = exp(g_c(z) − g_c(L/2)) per channel.
CameraResponse responseFromLogCurves(const std::vector<std::vector<double>>& logCurves);

/// A table-valued weight per code: mergeWeight(weighting, z/(codes−1)).
std::vector<double> weightTable(MergeWeighting weighting, int codes);

} // namespace fuselab::merge_detail
