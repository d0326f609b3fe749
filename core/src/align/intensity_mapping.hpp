// Private: intensity mapping functions (IMF) between two exposures of one scene, from
// their joint histogram of grey levels — no gamma or response is assumed.
//
// For every level of one image, the co-occurring levels of the other form a narrow band
// when the scene is static (noise and quantisation widen it a little). Taking a central
// quantile band rather than a mean keeps the mapping right when a moving object puts
// some pixels at the wrong place: up to (1 − bandHigh) or bandLow of a level's pixels may
// be wrong before its band moves.
#pragma once

#include <opencv2/core.hpp>

#include <array>
#include <cstdint>
#include <vector>

namespace fuselab::align {

/// counts[a·256 + b]: pixels with level a in the first image and b in the second.
struct JointHistogram {
    std::vector<std::uint32_t> counts = std::vector<std::uint32_t>(256 * 256, 0u);
    std::uint64_t total = 0;
};

/// Joint histogram of two CV_8UC1 images of equal size (they may be ROIs of larger ones).
JointHistogram jointHistogram(const cv::Mat& first, const cv::Mat& second);

/// Which image's levels index the band.
enum class MappingDirection {
    FirstToSecond, ///< band of second-image levels for each first-image level
    SecondToFirst, ///< band of first-image levels for each second-image level
};

/// For every source level, the [low, high] quantile band and the median of the co-occurring
/// target levels. A level with fewer than minCount pixels pools its neighbouring levels
/// (nearest first) until the pool holds minCount, so rare levels get a stable, slightly
/// wider band instead of one decided by a handful of pixels.
struct LevelBands {
    std::array<std::uint8_t, 256> low{};
    std::array<std::uint8_t, 256> high{};
    std::array<std::uint8_t, 256> median{};
    std::array<std::uint32_t, 256> count{}; ///< pixels at each source level (before pooling)
};
///
/// With dominantGapLevels > 0 the quantiles are taken within the dominant cluster only: the
/// levels connected to the most frequent one without a gap wider than dominantGapLevels
/// (levels holding under 1 % of the peak count count as empty). A moving object whose levels
/// are well apart from the static mapping then cannot drag the band however many of the
/// level's pixels it holds, as long as the static pixels remain the larger group.
LevelBands mappingBands(const JointHistogram& histogram, MappingDirection direction, double lowQuantile,
                        double highQuantile, std::uint32_t minCount, int dominantGapLevels = 0);

/// Pool size used by the callers: 0.02 % of the pixels, at least 32.
std::uint32_t defaultPoolCount(std::uint64_t totalPixels);

/// A monotone look-up table from source levels to the median target level (an exposure
/// normalisation of the source image to the target's brightness).
std::array<std::uint8_t, 256> medianMappingTable(const LevelBands& bands);

/// The intensity mapping from `source` levels to `target` levels that equalises their
/// cumulative histograms (histogram specification): each level goes to the target level at
/// the same cumulative share, taken at the middle of the level's own share. For two exposures
/// of a static scene the mapping is monotone and therefore fixed by the histograms alone
/// (Grossberg & Nayar 2003), so unlike the joint-histogram band it needs no registration:
/// the normaliser for frames that are not aligned yet. Both CV_8UC1, any sizes.
std::array<std::uint8_t, 256> histogramMatchingTable(const cv::Mat& source, const cv::Mat& target);

/// Applies a 256-entry table to a CV_8UC1 image.
cv::Mat applyLevelTable(const cv::Mat& grey, const std::array<std::uint8_t, 256>& table);

} // namespace fuselab::align
