// Median threshold bitmaps and their coarse-to-fine shift search.
#include "mtb.hpp"

#include "fuselab/base/error.hpp"
#include "fuselab/base/parallel.hpp"

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstdlib>
#include <mutex>

namespace fuselab::align {
namespace {

// 2×2 box average with floor sizes (Ward's pyramid halves by averaging).
cv::Mat halve(const cv::Mat& src)
{
    const int w = src.cols / 2, h = src.rows / 2;
    cv::Mat dst(h, w, CV_8UC1);
    parallelFor(0, h, 64, [&](int y0, int y1) {
        for (int y = y0; y < y1; ++y) {
            const std::uint8_t* a = src.ptr<std::uint8_t>(2 * y);
            const std::uint8_t* b = src.ptr<std::uint8_t>(2 * y + 1);
            std::uint8_t* d = dst.ptr<std::uint8_t>(y);
            for (int x = 0; x < w; ++x)
                d[x] = std::uint8_t((unsigned(a[2 * x]) + a[2 * x + 1] + b[2 * x] + b[2 * x + 1] + 2u) >> 2);
        }
    });
    return dst;
}

int medianLevel(const cv::Mat& grey)
{
    std::array<std::uint64_t, 256> hist{};
    for (int y = 0; y < grey.rows; ++y) {
        const std::uint8_t* p = grey.ptr<std::uint8_t>(y);
        for (int x = 0; x < grey.cols; ++x) ++hist[p[x]];
    }
    const std::uint64_t half = (std::uint64_t(grey.total()) + 1) / 2;
    std::uint64_t cumulative = 0;
    for (int v = 0; v < 256; ++v) {
        cumulative += hist[std::size_t(v)];
        if (cumulative >= half) return v;
    }
    return 255;
}

cv::Mat bitmapCodes(const cv::Mat& grey, int excludeRange)
{
    const int median = medianLevel(grey);
    std::array<std::uint8_t, 256> code{};
    for (int v = 0; v < 256; ++v)
        code[std::size_t(v)] = std::uint8_t((v > median ? 1 : 0) | (std::abs(v - median) > excludeRange ? 2 : 0));
    cv::Mat out(grey.size(), CV_8UC1);
    parallelFor(0, grey.rows, 64, [&](int y0, int y1) {
        for (int y = y0; y < y1; ++y) {
            const std::uint8_t* g = grey.ptr<std::uint8_t>(y);
            std::uint8_t* c = out.ptr<std::uint8_t>(y);
            for (int x = 0; x < grey.cols; ++x) c[x] = code[g[x]];
        }
    });
    return out;
}

// Pixels where both are compared and their thresholds disagree.
std::uint32_t rowCost(const std::uint8_t* a, const std::uint8_t* b, int n)
{
    std::uint32_t sum = 0;
    for (int x = 0; x < n; ++x) sum += std::uint32_t(((a[x] ^ b[x]) & ((a[x] & b[x]) >> 1)) & 1u);
    return sum;
}

} // namespace

MtbPyramid::MtbPyramid(const cv::Mat& grey, int levels, int excludeRange)
{
    if (grey.type() != CV_8UC1) throw Error("median threshold bitmaps need an 8-bit grey image");
    cv::Mat level = grey;
    for (int l = 0; l < std::max(levels, 1); ++l) {
        if (l > 0) level = halve(level);
        m_codes.push_back(bitmapCodes(level, excludeRange));
    }
}

int mtbLevelCount(int widthPx, int heightPx, int maxShiftPx)
{
    int levels = 1;
    while ((1 << levels) - 1 < maxShiftPx && std::min(widthPx, heightPx) >> levels >= 8) ++levels;
    return levels;
}

cv::Point mtbShift(const MtbPyramid& reference, const MtbPyramid& frame, int maxShiftPx)
{
    if (reference.levels() != frame.levels() || reference.codes(0).size() != frame.codes(0).size())
        throw Error("median threshold bitmaps of different sizes cannot be compared");
    // Candidate order: the centre first, so ties keep the smaller move.
    static constexpr std::array<std::array<int, 2>, 9> kSteps = {
        {{0, 0}, {-1, 0}, {1, 0}, {0, -1}, {0, 1}, {-1, -1}, {1, -1}, {-1, 1}, {1, 1}}};
    cv::Point shift(0, 0);
    for (int level = reference.levels() - 1; level >= 0; --level) {
        const int limit = (maxShiftPx + (1 << level) - 1) >> level; // the range at this level
        shift.x = std::clamp(2 * shift.x, -limit, limit);
        shift.y = std::clamp(2 * shift.y, -limit, limit);
        const cv::Mat& a = reference.codes(level);
        const cv::Mat& b = frame.codes(level);
        // One overlap region for all nine candidates, so their counts compare fairly.
        const int x0 = std::max(0, -(shift.x - 1)), x1 = std::min(a.cols, a.cols - (shift.x + 1));
        const int y0 = std::max(0, -(shift.y - 1)), y1 = std::min(a.rows, a.rows - (shift.y + 1));
        if (x1 - x0 < 4 || y1 - y0 < 4) continue; // nothing left to compare at this level
        std::array<std::uint64_t, 9> cost{};
        std::mutex costMutex;
        parallelFor(y0, y1, 32, [&](int r0, int r1) {
            std::array<std::uint64_t, 9> local{};
            for (int y = r0; y < r1; ++y) {
                const std::uint8_t* ra = a.ptr<std::uint8_t>(y) + x0;
                for (std::size_t c = 0; c < kSteps.size(); ++c) {
                    const int sx = shift.x + kSteps[c][0], sy = shift.y + kSteps[c][1];
                    const std::uint8_t* rb = b.ptr<std::uint8_t>(y + sy) + x0 + sx;
                    local[c] += rowCost(ra, rb, x1 - x0);
                }
            }
            std::lock_guard<std::mutex> lock(costMutex);
            for (std::size_t c = 0; c < cost.size(); ++c) cost[c] += local[c];
        });
        cv::Point best = shift;
        std::uint64_t bestCost = cost[0];
        for (std::size_t c = 1; c < kSteps.size(); ++c) {
            const cv::Point candidate(shift.x + kSteps[c][0], shift.y + kSteps[c][1]);
            if (std::abs(candidate.x) > limit || std::abs(candidate.y) > limit) continue;
            if (cost[c] < bestCost) {
                bestCost = cost[c];
                best = candidate;
            }
        }
        shift = best;
    }
    return shift;
}

} // namespace fuselab::align
