// Deghosting by consistent exposures (deghost.hpp): moving regions of each frame are replaced by
// the reference's content mapped through the intensity mapping function (IMF) from the
// reference to that frame, then the stack is fused or merged as it is.
//
// The IMF of a pair (source j → target k) and channel is, for every 8-bit level a of j, the
// mean of k's levels that co-occur with a inside the central quantile band of their joint
// histogram (the band motion detection uses, so moving pixels do not bend it), made monotone
// and applied with linear interpolation between levels — finer than the band's 8-bit median,
// which would turn a steep mapping into visible steps.
#include "fuselab/deghost.hpp"

#include "../align/grey_levels.hpp"
#include "../align/intensity_mapping.hpp"

#include "fuselab/base/colour.hpp"
#include "fuselab/base/error.hpp"
#include "fuselab/base/parallel.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <map>
#include <numeric>
#include <set>
#include <type_traits>

namespace fuselab {
namespace {

using LevelTable = std::array<float, 256>; // target level (0…255, fractional) per source level

LevelTable mappingTable(const cv::Mat& source, const cv::Mat& target, const DeghostParams& params)
{
    const align::JointHistogram joint = align::jointHistogram(source, target);
    const int gap = params.dominantCluster ? std::max(1, int(std::ceil(params.toleranceLevels))) : 0;
    const align::LevelBands bands = align::mappingBands(joint, align::MappingDirection::FirstToSecond, params.bandLow, params.bandHigh,
                                                        align::defaultPoolCount(joint.total), gap);
    LevelTable table{};
    for (int a = 0; a < 256; ++a) {
        const std::uint32_t* row = joint.counts.data() + std::size_t(a) * 256;
        double sum = 0.0, count = 0.0;
        for (int b = bands.low[std::size_t(a)]; b <= bands.high[std::size_t(a)]; ++b) {
            sum += double(row[b]) * b;
            count += row[b];
        }
        // Levels too rare for their own band take the pooled band's median.
        table[std::size_t(a)] = count >= 8.0 ? float(sum / count) : float(bands.median[std::size_t(a)]);
    }
    for (int a = 1; a < 256; ++a) table[std::size_t(a)] = std::max(table[std::size_t(a)], table[std::size_t(a - 1)]);
    return table;
}

float lookUp(const LevelTable& t, float level)
{
    const float l = std::clamp(level, 0.0f, 255.0f);
    const int i = std::min(int(l), 254);
    const float f = l - float(i);
    return t[std::size_t(i)] + (t[std::size_t(i + 1)] - t[std::size_t(i)]) * f;
}

// A sample as an 8-bit-scale level (the proxies' scale) and back.
template <typename T>
float toLevel(T v, bool linear)
{
    if constexpr (std::is_same_v<T, std::uint8_t>) return float(v);
    else if constexpr (std::is_same_v<T, std::uint16_t>) return float(v) / 257.0f;
    else return 255.0f * (linear ? linearToSrgb(std::clamp(float(v), 0.0f, 1.0f)) : std::clamp(float(v), 0.0f, 1.0f));
}

template <typename T>
T fromLevel(float level, bool linear)
{
    const float l = std::clamp(level, 0.0f, 255.0f);
    if constexpr (std::is_same_v<T, std::uint8_t>) return T(std::lround(l));
    else if constexpr (std::is_same_v<T, std::uint16_t>) return T(std::lround(l * 257.0f));
    else return linear ? srgbToLinear(l / 255.0f) : l / 255.0f;
}

// The frames' 8-bit levels at full resolution, one value per channel (≤ 3), for choosing the
// source of each pixel: clipped and black are judged as detection judges them.
struct LevelReader {
    const ExposureStack& stack;
    int channels;

    template <typename F>
    void levels(int frame, int x, int y, F&& out) const
    {
        const SampleImage& s = stack.frames[std::size_t(frame)].pixels;
        const bool linear = s.encoding() == ColourEncoding::Linear;
        if (const Image8* p = s.as8()) for (int c = 0; c < channels; ++c) out(c, toLevel(p->at(x, y, c), linear));
        else if (const Image16* q = s.as16()) for (int c = 0; c < channels; ++c) out(c, toLevel(q->at(x, y, c), linear));
        else for (int c = 0; c < channels; ++c) out(c, toLevel(s.asFloat()->at(x, y, c), linear));
    }
};

class ConsistentStackBuilder {
public:
    ConsistentStackBuilder(const ExposureStack& stack, const MotionMask& motion, const Image8* painted, const DeghostParams& params)
        : m_stack(stack), m_motion(motion), m_painted(painted), m_params(params), m_n(int(stack.size())),
          m_channels(std::min(stack.channels(), 3))
    {
        m_w = stack.width();
        m_h = stack.height();
        if (painted) {
            if (painted->width() != m_w || painted->height() != m_h || painted->channels() != 1)
                throw Error("the painted deghosting mask must be one grey channel of the stack's size (" + std::to_string(m_w) + "x" +
                            std::to_string(m_h) + ")");
            for (int y = 0; y < m_h; ++y)
                for (int x = 0; x < m_w; ++x) {
                    const int code = painted->at(x, y);
                    if (code > m_n)
                        throw Error("the painted deghosting mask names frame " + std::to_string(code) + " of a stack of " +
                                    std::to_string(m_n) + " frames");
                    if (code > 0) m_paintedSources.insert(code - 1);
                }
        }
        if (int(motion.frameMasks.size()) != m_n && !motion.frameMasks.empty())
            throw Error("the motion masks do not match the stack's frames");
        const std::vector<int> order = framesDarkestFirst(stack);
        m_rank.resize(std::size_t(m_n));
        for (int r = 0; r < m_n; ++r) m_rank[std::size_t(order[std::size_t(r)])] = r;
        m_order = order;
    }

    DeghostOutcome build(ProgressSink& progress)
    {
        DeghostOutcome out;
        out.motion = m_motion;
        out.pixelsFromFrame.assign(std::size_t(m_n), 0);
        std::vector<bool> touched(std::size_t(m_n), false);
        bool anyAutomatic = false;
        for (int k = 0; k < m_n; ++k) {
            const bool automatic = k < int(m_motion.frameMasks.size()) && !m_motion.frameMasks[std::size_t(k)].empty();
            anyAutomatic |= automatic;
            touched[std::size_t(k)] = automatic || (!m_paintedSources.empty() && !(m_paintedSources.size() == 1 && *m_paintedSources.begin() == k));
        }
        if (!anyAutomatic && m_paintedSources.empty()) {
            out.stack = m_stack; // nothing moved: the very same frames (shared pixels)
            return out;
        }
        progress.report(0.0, "intensity mapping");
        makeTables(touched, anyAutomatic);
        progress.checkCancelled();
        out.stack = m_stack;
        for (int k = 0; k < m_n; ++k) {
            if (!touched[std::size_t(k)]) continue;
            const SampleImage& in = m_stack.frames[std::size_t(k)].pixels;
            SampleImage replaced;
            if (const Image8* p = in.as8()) replaced = SampleImage(rebuild(*p, k, in.encoding() == ColourEncoding::Linear));
            else if (const Image16* q = in.as16()) replaced = SampleImage(rebuild(*q, k, in.encoding() == ColourEncoding::Linear));
            else replaced = SampleImage(rebuild(*in.asFloat(), k, in.encoding() == ColourEncoding::Linear));
            out.stack.frames[std::size_t(k)].pixels = std::move(replaced);
            out.changed = true;
            progress.checkCancelled();
            progress.report(double(k + 1) / double(m_n), "consistent exposures");
        }
        countSources(out.pixelsFromFrame);
        return out;
    }

private:
    // Source frame for pixel (x, y) of target k under the automatic decision: the reference,
    // or where it is clipped (black) the nearest darker (brighter) frame well exposed there
    // that did not move itself.
    int automaticSource(int k, int x, int y) const
    {
        const int ref = m_motion.referenceIndex;
        bool clipped = false, black = true;
        LevelReader{m_stack, m_channels}.levels(ref, x, y, [&](int, float l) {
            clipped |= l >= float(m_params.clippedLevel);
            black &= l <= float(m_params.blackLevel);
        });
        if (!clipped && !black) return ref;
        const int step = clipped ? -1 : 1;
        for (int r = m_rank[std::size_t(ref)] + step; r >= 0 && r < m_n; r += step) {
            const int j = m_order[std::size_t(r)];
            if (j == k) continue;
            const FrameMotion& mj = m_motion.frameMasks[std::size_t(j)];
            if (!mj.empty() && mj.at(x, y) >= 0.5f) continue;
            bool well = true;
            LevelReader{m_stack, m_channels}.levels(j, x, y, [&](int, float l) {
                well &= l > float(m_params.blackLevel) && l < float(m_params.clippedLevel);
            });
            if (well) return j;
        }
        return ref;
    }

    void makeTables(const std::vector<bool>& touched, bool anyAutomatic)
    {
        const int factor = align::proxyFactor(m_w, m_h, m_params.analysisLongSidePx);
        std::vector<std::vector<cv::Mat>> proxies(static_cast<std::size_t>(m_n));
        parallelFor(0, m_n, 1, [&](int b, int e) {
            for (int k = b; k < e; ++k) proxies[std::size_t(k)] = align::proxyPlanes(m_stack.frames[std::size_t(k)].pixels, factor, false);
        });
        std::vector<std::pair<int, int>> pairs; // (source, target)
        for (int k = 0; k < m_n; ++k) {
            if (!touched[std::size_t(k)]) continue;
            for (int j = 0; j < m_n; ++j) {
                if (j == k) continue;
                if (anyAutomatic || m_paintedSources.count(j)) pairs.emplace_back(j, k);
            }
        }
        std::vector<std::vector<LevelTable>> tables(pairs.size());
        parallelFor(0, int(pairs.size()), 1, [&](int b, int e) {
            for (int i = b; i < e; ++i) {
                const auto [j, k] = pairs[std::size_t(i)];
                for (int c = 0; c < int(proxies[std::size_t(j)].size()); ++c)
                    tables[std::size_t(i)].push_back(mappingTable(proxies[std::size_t(j)][std::size_t(c)], proxies[std::size_t(k)][std::size_t(c)], m_params));
            }
        });
        for (std::size_t i = 0; i < pairs.size(); ++i) m_tables[pairs[i]] = std::move(tables[i]);
    }

    template <typename T>
    ImageBuffer<T> rebuild(const ImageBuffer<T>& frame, int k, bool linear) const
    {
        ImageBuffer<T> out = frame.clone();
        const FrameMotion* automatic = k < int(m_motion.frameMasks.size()) && !m_motion.frameMasks[std::size_t(k)].empty()
                                           ? &m_motion.frameMasks[std::size_t(k)]
                                           : nullptr;
        const int ch = frame.channels();
        // Without paint only the motion's box can change.
        int bx0 = 0, by0 = 0, bx1 = m_w, by1 = m_h;
        if (!m_painted && automatic) {
            bx0 = automatic->x0;
            by0 = automatic->y0;
            bx1 = bx0 + automatic->mask.width();
            by1 = by0 + automatic->mask.height();
        }
        parallelFor(by0, by1, 16, [&](int y0, int y1) {
            float source[3] = {0, 0, 0};
            for (int y = y0; y < y1; ++y) {
                T* row = out.row(y);
                for (int x = bx0; x < bx1; ++x) {
                    int src = -1;
                    float weight = 0.0f;
                    const int code = m_painted ? m_painted->at(x, y) : 0;
                    if (code > 0) {
                        if (code - 1 == k) continue; // this frame is the painted source: kept
                        src = code - 1;
                        weight = 1.0f;
                    } else if (automatic) {
                        weight = automatic->at(x, y);
                        if (weight <= 0.0f) continue;
                        src = automaticSource(k, x, y);
                    } else {
                        continue;
                    }
                    const std::vector<LevelTable>& t = m_tables.at({src, k});
                    LevelReader{m_stack, m_channels}.levels(src, x, y, [&](int c, float l) { source[c] = l; });
                    for (int c = 0; c < m_channels; ++c) {
                        const float mapped = lookUp(t[std::size_t(std::min<std::size_t>(std::size_t(c), t.size() - 1))], source[c]);
                        const float own = toLevel(row[std::size_t(x) * ch + std::size_t(c)], linear);
                        row[std::size_t(x) * ch + std::size_t(c)] = fromLevel<T>(own + weight * (mapped - own), linear);
                    }
                }
            }
        });
        return out;
    }

    void countSources(std::vector<long long>& counts) const
    {
        // Without paint only the union of the motion boxes can hold a decision.
        int bx0 = m_w, by0 = m_h, bx1 = 0, by1 = 0;
        for (const FrameMotion& m : m_motion.frameMasks)
            if (!m.empty()) {
                bx0 = std::min(bx0, m.x0);
                by0 = std::min(by0, m.y0);
                bx1 = std::max(bx1, m.x0 + m.mask.width());
                by1 = std::max(by1, m.y0 + m.mask.height());
            }
        if (m_painted) bx0 = by0 = 0, bx1 = m_w, by1 = m_h;
        if (bx1 <= bx0 || by1 <= by0) return;
        std::vector<std::vector<long long>> perRow(std::size_t(m_h), std::vector<long long>(std::size_t(m_n), 0));
        parallelFor(by0, by1, 16, [&](int y0, int y1) {
            for (int y = y0; y < y1; ++y)
                for (int x = bx0; x < bx1; ++x) {
                    const int code = m_painted ? m_painted->at(x, y) : 0;
                    if (code > 0) {
                        ++perRow[std::size_t(y)][std::size_t(code - 1)];
                        continue;
                    }
                    int best = -1;
                    float bestWeight = 0.5f;
                    for (int k = 0; k < int(m_motion.frameMasks.size()); ++k) {
                        const float v = m_motion.frameMasks[std::size_t(k)].at(x, y);
                        if (v > bestWeight) {
                            bestWeight = v;
                            best = k;
                        }
                    }
                    if (best >= 0) ++perRow[std::size_t(y)][std::size_t(automaticSource(best, x, y))];
                }
        });
        for (const auto& row : perRow)
            for (int k = 0; k < m_n; ++k) counts[std::size_t(k)] += row[std::size_t(k)];
    }

    const ExposureStack& m_stack;
    const MotionMask& m_motion;
    const Image8* m_painted;
    DeghostParams m_params;
    int m_n, m_channels, m_w = 0, m_h = 0;
    std::set<int> m_paintedSources;
    std::vector<int> m_rank, m_order;
    std::map<std::pair<int, int>, std::vector<LevelTable>> m_tables;
};

} // namespace

DeghostOutcome makeConsistentStack(const ExposureStack& stack, const MotionMask& motion, const Image8* painted,
                                   const DeghostParams& params, ProgressSink& progress)
{
    if (stack.frames.size() < 2) throw Error("deghosting needs at least two frames");
    if (motion.referenceIndex < 0 || motion.referenceIndex >= int(stack.size())) throw Error("the motion mask has no valid reference frame");
    ConsistentStackBuilder builder(stack, motion, painted, params);
    return builder.build(progress);
}

} // namespace fuselab
