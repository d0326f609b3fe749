// Motion detection against the reference exposure (SPEC §1b), on a reduced proxy.
//
// Each colour channel (or the grey level, perChannel = false) is judged on its own, and a
// pixel moves when at least minMovingChannels of them disagree in some frame. Per frame k,
// channel and pixel p, the judge is the reference — or, where the reference is clipped
// or black at p, the nearest frame in exposure order (darker for clipped, brighter for
// black) that is well exposed at p. The pair (judge a, frame k) is tested both ways through
// their joint histogram: g_k(p) must lie in the band of k-levels that co-occur with
// g_a(p), and g_a(p) in the band of a-levels that co-occur with g_k(p), each widened by the
// tolerance (times the mapping's local slope where it is steep). The reverse test catches an object that sits in the judge but has left frame
// k: its judge levels may be rare, but the background levels k shows there are common and
// map to judge levels far from the object's.
#include "fuselab/deghost.hpp"

#include "../align/grey_levels.hpp"
#include "../align/intensity_mapping.hpp"

#include "fuselab/base/error.hpp"
#include "fuselab/base/parallel.hpp"
#include "fuselab/stack_io.hpp"

#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <map>
#include <numeric>

namespace fuselab {

std::vector<int> framesDarkestFirst(const ExposureStack& stack)
{
    std::vector<double> key;
    const bool byStops = stack.hasExposures();
    for (const StackFrame& f : stack.frames) key.push_back(byStops ? *f.exposure.stops : meanLinearLuminance(f.pixels));
    std::vector<int> order(stack.size());
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(), [&](int a, int b) { return key[std::size_t(a)] < key[std::size_t(b)]; });
    return order;
}

int defaultReferenceIndex(const ExposureStack& stack)
{
    if (stack.frames.empty()) throw Error("an empty stack has no reference frame");
    const std::vector<int> order = framesDarkestFirst(stack);
    return order[(order.size() - 1) / 2];
}

namespace {

// Inclusive level bounds, tolerance already applied, for one ordered pair (judge a, frame k).
struct PairBands {
    std::array<int, 256> kLow{}, kHigh{}; // indexed by the judge's level
    std::array<int, 256> aLow{}, aHigh{}; // indexed by frame k's level

    bool agrees(int levelA, int levelK, bool kWellExposed) const
    {
        if (levelK < kLow[std::size_t(levelA)] || levelK > kHigh[std::size_t(levelA)]) return false;
        // A clipped or black level of k gathers a wide range of judge levels by nature (all
        // of a window's sky is 255 in a bright frame): no band there to leave.
        return !kWellExposed || (levelA >= aLow[std::size_t(levelK)] && levelA <= aHigh[std::size_t(levelK)]);
    }
};

// Local slope of a median mapping at level v (target levels per source level), over ±8
// levels so single-level quantisation steps do not dominate.
double mappingSlope(const align::LevelBands& bands, int v)
{
    const int lo = std::max(0, v - 8), hi = std::min(255, v + 8);
    return (double(bands.median[std::size_t(hi)]) - double(bands.median[std::size_t(lo)])) / double(hi - lo);
}

PairBands makePairBands(const cv::Mat& judge, const cv::Mat& frame, const DeghostParams& params)
{
    const align::JointHistogram joint = align::jointHistogram(judge, frame);
    const std::uint32_t pool = align::defaultPoolCount(joint.total);
    const int gap = params.dominantCluster ? std::max(1, int(std::ceil(params.toleranceLevels))) : 0;
    const align::LevelBands forward =
        align::mappingBands(joint, align::MappingDirection::FirstToSecond, params.bandLow, params.bandHigh, pool, gap);
    const align::LevelBands reverse =
        align::mappingBands(joint, align::MappingDirection::SecondToFirst, params.bandLow, params.bandHigh, pool, gap);
    // The tolerance holds in both images' levels: where the mapping is steep (one judge
    // level spreads over several of k's) it is widened by the slope, so judge noise and
    // quantisation, magnified by the slope, do not count as motion.
    PairBands b;
    for (int v = 0; v < 256; ++v) {
        const std::size_t i = std::size_t(v);
        const int tolK = int(std::ceil(params.toleranceLevels * std::max(1.0, mappingSlope(forward, v))));
        const int tolA = int(std::ceil(params.toleranceLevels * std::max(1.0, mappingSlope(reverse, v))));
        b.kLow[i] = int(forward.low[i]) - tolK;
        b.kHigh[i] = int(forward.high[i]) + tolK;
        b.aLow[i] = int(reverse.low[i]) - tolA;
        b.aHigh[i] = int(reverse.high[i]) + tolA;
    }
    return b;
}

void checkParams(const DeghostParams& p)
{
    if (!(p.toleranceLevels >= 0.0)) throw Error("motion tolerance must be at least 0 grey levels");
    if (!(p.bandLow >= 0.0 && p.bandLow <= 0.5)) throw Error("the band's lower quantile must lie in 0..0.5");
    if (!(p.bandHigh >= 0.5 && p.bandHigh <= 1.0)) throw Error("the band's upper quantile must lie in 0.5..1");
    if (p.openingPx < 0 || p.dilationPx < 0 || p.featherPx < 0) throw Error("mask radii must not be negative");
    if (p.analysisLongSidePx < 0) throw Error("the analysis size must not be negative");
    if (p.minMovingChannels < 1 || p.minMovingChannels > 3) throw Error("moving channels must be 1, 2 or 3");
    if (!(p.blackLevel >= 0 && p.blackLevel < p.clippedLevel && p.clippedLevel <= 255))
        throw Error("black and clipped levels must satisfy 0 ≤ black < clipped ≤ 255");
}

// Disc morphology through Euclidean distance transforms: exact discs of any (fractional)
// radius at a cost independent of the radius.
cv::Mat dilateDisc(const cv::Mat& mask, double radiusPx)
{
    if (radiusPx < 1.0) return mask;
    cv::Mat outside, dist, out;
    cv::compare(mask, 0, outside, cv::CMP_EQ); // distance to the nearest mask pixel
    if (cv::countNonZero(outside) == int(mask.total())) return mask;
    cv::distanceTransform(outside, dist, cv::DIST_L2, cv::DIST_MASK_PRECISE);
    cv::compare(dist, radiusPx, out, cv::CMP_LE);
    return out;
}

cv::Mat erodeDisc(const cv::Mat& mask, double radiusPx)
{
    if (radiusPx < 1.0) return mask;
    cv::Mat dist, out;
    cv::distanceTransform(mask, dist, cv::DIST_L2, cv::DIST_MASK_PRECISE); // to the nearest non-mask pixel
    cv::compare(dist, radiusPx, out, cv::CMP_GT);
    return out;
}

} // namespace

MotionMask detectMotion(const ExposureStack& stack, const DeghostParams& params, ProgressSink& progress)
{
    progress.checkCancelled();
    checkParams(params);
    if (stack.frames.size() < 2) throw Error("motion detection needs at least two frames");
    const StackFrame& first = stack.frames.front();
    for (const StackFrame& f : stack.frames)
        if (f.pixels.empty() || f.pixels.width() != first.pixels.width() || f.pixels.height() != first.pixels.height())
            throw Error(f.path, "size differs from " + first.path + "; motion detection needs frames of one size (align them first)");
    const int n = int(stack.size());
    const int ref = params.referenceIndex >= 0 ? params.referenceIndex : defaultReferenceIndex(stack);
    if (ref >= n) throw Error("reference index " + std::to_string(ref) + " is outside the stack's " + std::to_string(n) + " frames");
    const int w = stack.width(), h = stack.height();

    // planes[k][c]: 8-bit proxy of frame k's channel c (or its grey level).
    // A k × k box reduction (integer k: OpenCV's fast area path), one frame per worker.
    const int factor = align::proxyFactor(w, h, params.analysisLongSidePx);
    std::vector<std::vector<cv::Mat>> planes(static_cast<std::size_t>(n));
    parallelFor(0, n, 1, [&](int b, int e) {
        for (int k = b; k < e; ++k)
            planes[std::size_t(k)] = align::proxyPlanes(stack.frames[std::size_t(k)].pixels, factor, !params.perChannel);
    });
    progress.report(0.3, "proxies");
    progress.checkCancelled();
    const int channels = int(planes[0].size());
    const int pw = planes[0][0].cols, ph = planes[0][0].rows;

    // Substitute judges where the reference is clipped (darker frames, nearest first) or
    // black (brighter frames, nearest first).
    const std::vector<int> order = framesDarkestFirst(stack);
    const int refRank = int(std::find(order.begin(), order.end(), ref) - order.begin());
    std::vector<int> darker, brighter;
    for (int r = refRank - 1; r >= 0; --r) darker.push_back(order[std::size_t(r)]);
    for (int r = refRank + 1; r < n; ++r) brighter.push_back(order[std::size_t(r)]);

    // bands[c][(judge, frame)], only for the pairs the reference's clipping calls for.
    std::vector<std::map<std::pair<int, int>, PairBands>> bands(static_cast<std::size_t>(channels));
    for (int c = 0; c < channels; ++c) {
        double refMin = 0.0, refMax = 0.0;
        cv::minMaxLoc(planes[std::size_t(ref)][std::size_t(c)], &refMin, &refMax);
        auto need = [&](int judge, int k) {
            if (judge != k && !bands[std::size_t(c)].count({judge, k}))
                bands[std::size_t(c)].emplace(std::make_pair(judge, k),
                                              makePairBands(planes[std::size_t(judge)][std::size_t(c)], planes[std::size_t(k)][std::size_t(c)], params));
        };
        for (int k = 0; k < n; ++k) {
            if (k == ref) continue;
            need(ref, k);
            if (refMax >= params.clippedLevel) for (int j : darker) need(j, k);
            if (refMin <= params.blackLevel) for (int j : brighter) need(j, k);
        }
        progress.checkCancelled();
    }
    progress.report(0.5, "intensity mapping");
    progress.checkCancelled();

    // votes[k]: per proxy pixel, the channels in which frame k disagrees with its judge.
    std::vector<cv::Mat> votes;
    for (int k = 0; k < n; ++k) votes.emplace_back(ph, pw, CV_8UC1, cv::Scalar(0));
    parallelFor(0, ph, 16, [&](int y0, int y1) {
        std::vector<const std::uint8_t*> rows(static_cast<std::size_t>(n));
        for (int y = y0; y < y1; ++y) {
            for (int c = 0; c < channels; ++c) {
                for (int k = 0; k < n; ++k) rows[std::size_t(k)] = planes[std::size_t(k)][std::size_t(c)].ptr<std::uint8_t>(y);
                const auto& channelBands = bands[std::size_t(c)];
                for (int x = 0; x < pw; ++x) {
                    const int r = rows[std::size_t(ref)][x];
                    const bool refWellExposed = r > params.blackLevel && r < params.clippedLevel;
                    const std::vector<int>& substitutes = r >= params.clippedLevel ? darker : brighter;
                    for (int k = 0; k < n; ++k) {
                        if (k == ref) continue;
                        int judge = refWellExposed ? ref : -1;
                        if (judge < 0)
                            for (int j : substitutes) {
                                const int v = rows[std::size_t(j)][x];
                                if (j != k && v > params.blackLevel && v < params.clippedLevel) {
                                    judge = j;
                                    break;
                                }
                            }
                        if (judge < 0) continue; // nothing well exposed to compare with
                        const int levelK = rows[std::size_t(k)][x];
                        const bool kWellExposed = levelK > params.blackLevel && levelK < params.clippedLevel;
                        if (!channelBands.at({judge, k}).agrees(rows[std::size_t(judge)][x], levelK, kWellExposed))
                            ++votes[std::size_t(k)].ptr<std::uint8_t>(y)[x];
                    }
                }
            }
        }
    });
    progress.report(0.7, "motion");
    progress.checkCancelled();

    // A pixel moves when enough of its channels say so (one colour-processing or clipping
    // difference in a single channel is not motion; a moving object changes more). Radii are
    // given at full resolution; the proxy is smaller by pw / w. The opening keeps at least one
    // proxy pixel of radius: a single proxy pixel is the smallest speck the proxy holds, and one
    // left there would be grown by the dilation into a full blob.
    const int votesNeeded = std::clamp(params.minMovingChannels, 1, channels);
    const double scale = 1.0 / double(factor);
    const double openingRadius = params.openingPx > 0 ? std::max(1.0, params.openingPx * scale) : 0.0;
    const double sigma = params.featherPx * scale;

    MotionMask result;
    result.referenceIndex = ref;
    result.mask = Image(w, h, 1, ColourEncoding::Linear);
    result.frameMasks.resize(std::size_t(n));
    for (int k = 0; k < n; ++k) {
        if (k == ref) continue;
        cv::Mat moving;
        cv::threshold(votes[std::size_t(k)], moving, votesNeeded - 0.5, 255, cv::THRESH_BINARY);
        if (cv::countNonZero(moving) == 0) continue; // the common case of a static stack: nothing to clean
        const cv::Mat cleaned = dilateDisc(erodeDisc(moving, openingRadius), openingRadius);
        if (cv::countNonZero(cleaned) == 0) continue; // nothing moved in this frame: it stays as it is
        const cv::Mat grown = dilateDisc(cleaned, params.dilationPx * scale);
        cv::Mat soft;
        grown.convertTo(soft, CV_32F, 1.0 / 255.0);
        if (sigma >= 0.3) cv::GaussianBlur(soft, soft, cv::Size(0, 0), sigma, sigma, cv::BORDER_REPLICATE);
        // Back to full resolution over the motion's bounding box only. The proxy covers the
        // first pw·k × ph·k pixels; the few rows and columns beyond (fewer than k) repeat the edge.
        cv::Mat nonZero;
        cv::findNonZero(soft > 0.0f, nonZero);
        if (nonZero.empty()) continue;
        const cv::Rect proxyBox = cv::boundingRect(nonZero);
        const int bx0 = std::max(0, (proxyBox.x - 1) * factor), by0 = std::max(0, (proxyBox.y - 1) * factor);
        const int bx1 = proxyBox.x + proxyBox.width >= pw ? w : std::min(w, (proxyBox.x + proxyBox.width + 1) * factor);
        const int by1 = proxyBox.y + proxyBox.height >= ph ? h : std::min(h, (proxyBox.y + proxyBox.height + 1) * factor);
        FrameMotion frameMask;
        frameMask.x0 = bx0;
        frameMask.y0 = by0;
        frameMask.mask = Image::uninitialised(bx1 - bx0, by1 - by0, 1, ColourEncoding::Linear);
        // Full-resolution pixel (x, y) samples the proxy at ((x + 0.5)/k − 0.5, …), as INTER_LINEAR
        // resizing the covered area would; beyond the proxy the edge repeats.
        const double inv = 1.0 / double(factor);
        parallelFor(by0, by1, 32, [&](int y0, int y1) {
            for (int y = y0; y < y1; ++y) {
                const double sy = std::clamp((y + 0.5) * inv - 0.5, 0.0, double(ph - 1));
                const int iy = std::min(int(sy), ph - 1), iy1 = std::min(iy + 1, ph - 1);
                const float fy = float(sy - iy);
                const float* r0 = soft.ptr<float>(iy);
                const float* r1 = soft.ptr<float>(iy1);
                float* row = frameMask.mask.row(y - by0);
                float* all = result.mask.row(y);
                for (int x = bx0; x < bx1; ++x) {
                    const double sx = std::clamp((x + 0.5) * inv - 0.5, 0.0, double(pw - 1));
                    const int ix = std::min(int(sx), pw - 1), ix1 = std::min(ix + 1, pw - 1);
                    const float fx = float(sx - ix);
                    const float top = r0[ix] + (r0[ix1] - r0[ix]) * fx, bottom = r1[ix] + (r1[ix1] - r1[ix]) * fx;
                    const float v = std::clamp(top + (bottom - top) * fy, 0.0f, 1.0f);
                    row[x - bx0] = v;
                    all[x] = std::max(all[x], v);
                }
            }
        });
        result.frameMasks[std::size_t(k)] = std::move(frameMask);
        progress.checkCancelled();
    }
    const bool anyMotion = std::any_of(result.frameMasks.begin(), result.frameMasks.end(), [](const FrameMotion& m) { return !m.empty(); });
    if (!anyMotion) {
        progress.report(1.0, "mask");
        return result; // a zero mask, and nothing to count
    }
    std::vector<long long> movingRows(std::size_t(h), 0);
    parallelFor(0, h, 64, [&](int y0, int y1) {
        for (int y = y0; y < y1; ++y) {
            const float* row = result.mask.row(y);
            long long count = 0;
            for (int x = 0; x < w; ++x) count += row[x] > 0.5f;
            movingRows[std::size_t(y)] = count;
        }
    });
    result.movingFraction = double(std::accumulate(movingRows.begin(), movingRows.end(), 0LL)) / (double(w) * h);
    progress.report(1.0, "mask");
    return result;
}

} // namespace fuselab
