// Joint histograms and the quantile bands of intensity mapping functions.
#include "intensity_mapping.hpp"

#include "fuselab/base/error.hpp"

#include <opencv2/core.hpp>

#include <algorithm>
#include <cmath>

namespace fuselab::align {

JointHistogram jointHistogram(const cv::Mat& first, const cv::Mat& second)
{
    if (first.type() != CV_8UC1 || second.type() != CV_8UC1 || first.size() != second.size())
        throw Error("joint histogram needs two 8-bit grey images of the same size");
    JointHistogram h;
    std::uint32_t* counts = h.counts.data();
    for (int y = 0; y < first.rows; ++y) {
        const std::uint8_t* a = first.ptr<std::uint8_t>(y);
        const std::uint8_t* b = second.ptr<std::uint8_t>(y);
        for (int x = 0; x < first.cols; ++x) ++counts[(std::uint32_t(a[x]) << 8) | b[x]];
    }
    h.total = std::uint64_t(first.rows) * std::uint64_t(first.cols);
    return h;
}

std::uint32_t defaultPoolCount(std::uint64_t totalPixels)
{
    return std::uint32_t(std::max<std::uint64_t>(32, totalPixels / 5000));
}

namespace {

// The level at which the cumulative count first reaches `rank` (1-based sample rank).
std::uint8_t levelAtRank(const std::array<std::uint64_t, 256>& pooled, std::uint64_t rank)
{
    std::uint64_t cumulative = 0;
    for (int level = 0; level < 256; ++level) {
        cumulative += pooled[std::size_t(level)];
        if (cumulative >= rank) return std::uint8_t(level);
    }
    return 255;
}

std::uint64_t rankOf(double quantile, std::uint64_t n)
{
    const double r = std::ceil(quantile * double(n));
    return std::clamp<std::uint64_t>(std::uint64_t(std::max(r, 1.0)), 1, std::max<std::uint64_t>(n, 1));
}

// Zeroes every level outside the cluster around the most frequent level; returns the
// count that remains.
std::uint64_t keepDominantCluster(std::array<std::uint64_t, 256>& pooled, int gapLevels)
{
    int mode = 0;
    for (int t = 1; t < 256; ++t)
        if (pooled[std::size_t(t)] > pooled[std::size_t(mode)]) mode = t;
    const std::uint64_t occupied = std::max<std::uint64_t>(1, pooled[std::size_t(mode)] / 100);
    int first = mode, last = mode;
    for (int t = mode - 1; t >= 0 && first - t <= gapLevels + 1; --t)
        if (pooled[std::size_t(t)] >= occupied) first = t;
    for (int t = mode + 1; t < 256 && t - last <= gapLevels + 1; ++t)
        if (pooled[std::size_t(t)] >= occupied) last = t;
    std::uint64_t kept = 0;
    for (int t = 0; t < 256; ++t) {
        if (t < first || t > last) pooled[std::size_t(t)] = 0;
        kept += pooled[std::size_t(t)];
    }
    return kept;
}

} // namespace

LevelBands mappingBands(const JointHistogram& histogram, MappingDirection direction, double lowQuantile,
                        double highQuantile, std::uint32_t minCount, int dominantGapLevels)
{
    // rowOf(source)[target]: the histogram read along the requested direction.
    auto countAt = [&](int source, int target) -> std::uint32_t {
        return direction == MappingDirection::FirstToSecond ? histogram.counts[std::size_t(source) * 256 + std::size_t(target)]
                                                            : histogram.counts[std::size_t(target) * 256 + std::size_t(source)];
    };
    LevelBands bands;
    for (int s = 0; s < 256; ++s) {
        std::uint32_t n = 0;
        for (int t = 0; t < 256; ++t) n += countAt(s, t);
        bands.count[std::size_t(s)] = n;
    }
    const std::uint64_t needed = std::min<std::uint64_t>(minCount, histogram.total);
    for (int s = 0; s < 256; ++s) {
        std::array<std::uint64_t, 256> pooled{};
        std::uint64_t n = 0;
        auto addLevel = [&](int level) {
            if (level < 0 || level > 255 || bands.count[std::size_t(level)] == 0) return;
            for (int t = 0; t < 256; ++t) pooled[std::size_t(t)] += countAt(level, t);
            n += bands.count[std::size_t(level)];
        };
        addLevel(s);
        for (int radius = 1; n < std::max<std::uint64_t>(needed, 1) && radius < 256; ++radius) {
            addLevel(s - radius);
            addLevel(s + radius);
        }
        if (n == 0) { // an empty histogram: identity band, never used for decisions
            bands.low[std::size_t(s)] = bands.high[std::size_t(s)] = bands.median[std::size_t(s)] = std::uint8_t(s);
            continue;
        }
        if (dominantGapLevels > 0) n = keepDominantCluster(pooled, dominantGapLevels);
        bands.low[std::size_t(s)] = levelAtRank(pooled, rankOf(lowQuantile, n));
        bands.high[std::size_t(s)] = levelAtRank(pooled, rankOf(highQuantile, n));
        bands.median[std::size_t(s)] = levelAtRank(pooled, rankOf(0.5, n));
    }
    return bands;
}

std::array<std::uint8_t, 256> medianMappingTable(const LevelBands& bands)
{
    // An exposure change never reverses the order of levels: the running maximum removes
    // the small inversions that noise and moving content leave in the medians.
    std::array<std::uint8_t, 256> table{};
    std::uint8_t running = 0;
    for (int s = 0; s < 256; ++s) {
        running = std::max(running, bands.median[std::size_t(s)]);
        table[std::size_t(s)] = running;
    }
    return table;
}

namespace {

std::array<std::uint64_t, 256> levelHistogram(const cv::Mat& grey)
{
    std::array<std::uint64_t, 256> h{};
    for (int y = 0; y < grey.rows; ++y) {
        const std::uint8_t* p = grey.ptr<std::uint8_t>(y);
        for (int x = 0; x < grey.cols; ++x) ++h[p[x]];
    }
    return h;
}

} // namespace

std::array<std::uint8_t, 256> histogramMatchingTable(const cv::Mat& source, const cv::Mat& target)
{
    if (source.type() != CV_8UC1 || target.type() != CV_8UC1 || source.empty() || target.empty())
        throw Error("histogram matching needs two 8-bit grey images");
    const auto hs = levelHistogram(source), ht = levelHistogram(target);
    const double ns = double(source.total()), nt = double(target.total());
    std::array<double, 256> targetCdf{};
    double acc = 0.0;
    for (int v = 0; v < 256; ++v) targetCdf[std::size_t(v)] = (acc += double(ht[std::size_t(v)])) / nt;
    std::array<std::uint8_t, 256> table{};
    double below = 0.0;
    int t = 0;
    for (int v = 0; v < 256; ++v) {
        const double middle = (below + 0.5 * double(hs[std::size_t(v)])) / ns;
        below += double(hs[std::size_t(v)]);
        while (t < 255 && targetCdf[std::size_t(t)] < middle) ++t; // middle only grows: t never goes back
        table[std::size_t(v)] = std::uint8_t(t);
    }
    return table;
}

cv::Mat applyLevelTable(const cv::Mat& grey, const std::array<std::uint8_t, 256>& table)
{
    cv::Mat lut(1, 256, CV_8UC1, const_cast<std::uint8_t*>(table.data()));
    cv::Mat out;
    cv::LUT(grey, lut, out);
    return out;
}

} // namespace fuselab::align
