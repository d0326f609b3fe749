// The banded exposure-fusion engine (banded_fusion.hpp): the whole-image engine's arithmetic
// (mertens_rows.hpp, pyramid_rows.hpp, planar_pyramid.hpp) applied band by band.
//
// Pass 1 reads every frame once and keeps, whole, level L0 (the "coarse level") of each frame's
// Gaussian pyramid and of its weight pyramid; the levels ≥ L0 are then blended and collapsed as
// the whole-image engine does, into one image of level L0. Pass 2 reads the frames again and,
// band by band, computes levels 0 … L0−1 only for the rows the band needs (band_rows.hpp),
// blends them and collapses onto the kept coarse image. Every row is computed from the same
// samples in the same order as the whole-image engine, so the result is identical.
#include "fuselab/banded_fusion.hpp"

#include "band_rows.hpp"
#include "fuselab/base/error.hpp"
#include "fuselab/base/parallel.hpp"
#include "mertens_rows.hpp"
#include "planar_pyramid.hpp"
#include "pyramid_rows.hpp"

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <vector>

#include "../isa/isa_target.hpp"

namespace fuselab::FUSELAB_ISA {
namespace {

using fuselab::detail::RowRange;
using detail::QualityModel;

// Rows [range) of one frame, read in order and kept while later bands still need them.
class FrameWindow {
public:
    explicit FrameWindow(FrameRowReader& reader)
        : m_reader(reader), m_rowBytes(std::size_t(reader.widthPx()) * reader.channels() * bytesPerSample(reader.sampleType()))
    {
    }

    void restart()
    {
        m_reader.restart();
        m_range = {};
        m_next = 0;
        m_bytes.clear();
        m_bytes.shrink_to_fit();
    }

    /// Makes rows r available; r.begin never goes back between calls.
    void require(RowRange r)
    {
        const int keepFrom = std::max(r.begin, m_range.begin);
        const int kept = std::max(0, m_range.end - keepFrom);
        if (kept > 0 && keepFrom > m_range.begin)
            std::memmove(m_bytes.data(), m_bytes.data() + std::size_t(keepFrom - m_range.begin) * m_rowBytes, std::size_t(kept) * m_rowBytes);
        m_bytes.resize(std::size_t(r.count()) * m_rowBytes);
        std::vector<std::uint8_t> skip;
        while (m_next < r.begin) { // rows no band needs (none with the engine's ranges, but cheap to allow)
            skip.resize(m_rowBytes);
            m_reader.readRow(skip.data());
            ++m_next;
        }
        for (int y = std::max(m_next, r.begin); y < r.end; ++y) {
            m_reader.readRow(m_bytes.data() + std::size_t(y - r.begin) * m_rowBytes);
            m_next = y + 1;
        }
        m_range = r;
    }

    template <typename T>
    const T* row(int y) const
    {
        return reinterpret_cast<const T*>(m_bytes.data() + std::size_t(y - m_range.begin) * m_rowBytes);
    }

    RowSampleType type() const { return m_reader.sampleType(); }

private:
    FrameRowReader& m_reader;
    std::size_t m_rowBytes;
    RowRange m_range;
    int m_next = 0;
    std::vector<std::uint8_t> m_bytes;
};

template <typename F>
auto withSampleType(RowSampleType type, F&& fn)
{
    switch (type) {
    case RowSampleType::U8: return fn(std::uint8_t{});
    case RowSampleType::U16: return fn(std::uint16_t{});
    case RowSampleType::Float: break;
    }
    return fn(float{});
}

// Planar float rows [range) of one level.
struct BandPlanes {
    RowRange range;
    int width = 0, planes = 0;
    std::vector<float> data;

    void reset(RowRange r, int w, int p)
    {
        range = r;
        width = w;
        planes = p;
        data.assign(std::size_t(r.count()) * w * p, 0.0f);
    }
    float* row(int c, int y) { return data.data() + (std::size_t(c) * range.count() + std::size_t(y - range.begin)) * width; }
    const float* row(int c, int y) const { return data.data() + (std::size_t(c) * range.count() + std::size_t(y - range.begin)) * width; }
};

// One level's geometry.
struct Level {
    int width, height;
};

class BandedEngine {
public:
    BandedEngine(const std::vector<FrameRowReader*>& frames, const MertensParams& params, const BandedFusionPlan& plan,
                 const BandedFusionOptions& options, FusedRowWriter& out, ProgressSink& progress)
        : m_plan(plan), m_outputType(options.outputType), m_weightRows(options.weightRows), m_out(out), m_progress(progress),
          m_q8(detail::makeQualityModel<std::uint8_t>(params)),
          m_q16(detail::makeQualityModel<std::uint16_t>(params)), m_qf(detail::makeQualityModel<float>(params))
    {
        for (FrameRowReader* f : frames) m_windows.emplace_back(*f);
        m_k = int(frames.size());
        m_channels = frames.front()->channels();
        m_planes = m_channels >= 3 ? 3 : 1;
        // As the whole-image engine decides; pyramidBlend (supplied weights) keeps every level in float.
        m_compactLevel1 = !m_weightRows && frames.front()->sampleType() != RowSampleType::Float;
        Level l{frames.front()->widthPx(), frames.front()->heightPx()};
        for (int j = 0; j <= std::max(1, plan.coarseLevel); ++j) {
            m_levels.push_back(l);
            m_heights.push_back(l.height);
            l = {(l.width + 1) / 2, (l.height + 1) / 2};
        }
    }

    void run()
    {
        const bool pyramid = m_plan.coarseLevel > 0;
        if (pyramid) {
            keepCoarseLevels();
            for (FrameWindow& w : m_windows) w.restart();
        }
        const int h = m_levels[0].height;
        for (int b = 0; b < m_plan.bands; ++b) {
            m_progress.checkCancelled();
            const int y0 = b * m_plan.bandRows, y1 = std::min(h, y0 + m_plan.bandRows);
            writeBand({y0, y1});
            m_progress.report(kPassOneShare + (1.0 - kPassOneShare) * double(b + 1) / double(m_plan.bands), "fusing bands");
        }
    }

private:
    static constexpr double kPassOneShare = 0.4;

    const QualityModel& modelFor(std::uint8_t) const { return m_q8; }
    const QualityModel& modelFor(std::uint16_t) const { return m_q16; }
    const QualityModel& modelFor(float) const { return m_qf; }

    // Normalised 16-bit weights of rows r of every frame (frames' rows around r available); with
    // supplied weights, those, in float.
    void computeWeights(RowRange r)
    {
        if (m_weightRows) return computeSuppliedWeights(r);
        const int w = m_levels[0].width, h = m_levels[0].height, frames = m_k;
        m_weights.assign(std::size_t(frames) * r.count() * w, 0);
        m_weightRange = r;
        constexpr int strip = 16;
        const int strips = (r.count() + strip - 1) / strip;
        parallelFor(0, strips, 1, [&](int s0, int s1) {
            std::vector<float> raw(std::size_t(frames) * strip * w), total(static_cast<std::size_t>(w));
            std::vector<const float*> rawRows(static_cast<std::size_t>(frames));
            std::vector<std::uint16_t*> dstRows(static_cast<std::size_t>(frames));
            detail::RowScratch scratch;
            for (int s = s0; s < s1; ++s) {
                const int a = r.begin + s * strip, b = std::min(r.end, a + strip);
                for (int f = 0; f < frames; ++f) {
                    const FrameWindow& win = m_windows[std::size_t(f)];
                    withSampleType(win.type(), [&](auto tag) {
                        using T = decltype(tag);
                        std::vector<const T*> rows;
                        for (int y = a - 1; y <= b; ++y) rows.push_back(win.row<T>(reflect101(y, h)));
                        detail::computeWeightRows(rows.data(), w, m_channels, m_planes, modelFor(T{}), b - a,
                                                  raw.data() + std::size_t(f) * strip * w, scratch);
                        return 0;
                    });
                }
                for (int y = a; y < b; ++y) {
                    for (int f = 0; f < frames; ++f) {
                        rawRows[std::size_t(f)] = raw.data() + (std::size_t(f) * strip + std::size_t(y - a)) * w;
                        dstRows[std::size_t(f)] = weightRow(f, y);
                    }
                    detail::normaliseWeightRow(rawRows.data(), frames, w, nullptr, -1, total.data(), dstRows.data());
                }
            }
        });
    }

    void computeSuppliedWeights(RowRange r)
    {
        const int w = m_levels[0].width, h = m_levels[0].height;
        m_weightRange = r;
        m_weightsF.assign(std::size_t(m_k) * r.count() * w, 0.0f);
        const WeightRowFn weightRow = [&](int f, int y) { return floatWeightRow(f, y); };
        // A few rows at a time, each worker converting only the frame rows its rows read (the rows
        // around them, mirrored), so the band never holds every frame in float.
        constexpr int chunk = 8;
        parallelFor(0, (r.count() + chunk - 1) / chunk, 1, [&](int c0, int c1) {
            std::vector<float> rows;
            for (int c = c0; c < c1; ++c) {
                const RowRange mine{r.begin + c * chunk, std::min(r.end, r.begin + (c + 1) * chunk)};
                const RowRange around = fuselab::detail::rowsAroundFrom(mine, h);
                const std::size_t rowFloats = std::size_t(w) * m_channels;
                rows.resize(std::size_t(m_k) * around.count() * rowFloats);
                for (int f = 0; f < m_k; ++f) {
                    const FrameWindow& win = m_windows[std::size_t(f)];
                    withSampleType(win.type(), [&](auto tag) {
                        using T = decltype(tag);
                        for (int y = around.begin; y < around.end; ++y)
                            rowSamplesToFloat(win.type(), win.row<T>(y), rowFloats,
                                              rows.data() + (std::size_t(f) * around.count() + std::size_t(y - around.begin)) * rowFloats);
                        return 0;
                    });
                }
                const FrameRowFn frameRow = [&](int f, int y) {
                    return rows.data() + (std::size_t(f) * around.count() + std::size_t(y - around.begin)) * rowFloats;
                };
                m_weightRows(mine.begin, mine.end, frameRow, weightRow);
            }
        });
    }

    float* floatWeightRow(int f, int y)
    {
        return m_weightsF.data() + (std::size_t(f) * m_weightRange.count() + std::size_t(y - m_weightRange.begin)) * m_levels[0].width;
    }

    // Row y of frame f's level-0 weights as floats (a pointer into the weights, or into `scratch`).
    const float* weightsAsFloat(int f, int y, float* scratch)
    {
        if (m_weightRows) return floatWeightRow(f, y);
        const std::uint16_t* src = weightRow(f, y);
        for (int x = 0; x < m_levels[0].width; ++x) scratch[x] = float(src[x]) * (1.0f / detail::kWeightScale);
        return scratch;
    }

    std::uint16_t* weightRow(int f, int y)
    {
        return m_weights.data() + (std::size_t(f) * m_weightRange.count() + std::size_t(y - m_weightRange.begin)) * m_levels[0].width;
    }

    // Level 1 of frame f over rows r, from its level-0 samples.
    void reduceFrame(int f, RowRange r, BandPlanes& out) const
    {
        const Level fine = m_levels[0], coarse = m_levels[1];
        out.reset(r, coarse.width, m_planes);
        const FrameWindow& win = m_windows[std::size_t(f)];
        parallelFor(r.begin, r.end, 8, [&](int i0, int i1) {
            std::vector<float> rows(std::size_t(5) * m_planes * fine.width), scratch(std::size_t(2) * fine.width);
            withSampleType(win.type(), [&](auto tag) {
                using T = decltype(tag);
                for (int i = i0; i < i1; ++i) {
                    for (int t = 0; t < 5; ++t) {
                        float* ptrs[3];
                        for (int c = 0; c < 3; ++c) ptrs[c] = rows.data() + (std::size_t(t) * m_planes + std::size_t(std::min(c, m_planes - 1))) * fine.width;
                        detail::loadPlanes(win.row<T>(reflect101(2 * i - 2 + t, fine.height)), fine.width, m_channels, ptrs);
                    }
                    for (int c = 0; c < m_planes; ++c) {
                        const float* taps[5];
                        for (int t = 0; t < 5; ++t) taps[t] = rows.data() + (std::size_t(t) * m_planes + c) * fine.width;
                        detail::downsampleRow(taps, fine.width, scratch.data(), out.row(c, i));
                    }
                }
                return 0;
            });
        });
    }

    // Level 1 of frame f's weights over rows r, from the 16-bit level-0 weights.
    void reduceWeights(int f, RowRange r, BandPlanes& out)
    {
        const Level fine = m_levels[0], coarse = m_levels[1];
        out.reset(r, coarse.width, 1);
        parallelFor(r.begin, r.end, 8, [&](int i0, int i1) {
            std::vector<float> rows(std::size_t(5) * fine.width), scratch(std::size_t(2) * fine.width);
            for (int i = i0; i < i1; ++i) {
                const float* taps[5];
                for (int t = 0; t < 5; ++t)
                    taps[t] = weightsAsFloat(f, reflect101(2 * i - 2 + t, fine.height), rows.data() + std::size_t(t) * fine.width);
                detail::downsampleRow(taps, fine.width, scratch.data(), out.row(0, i));
            }
        });
    }

    // Rows r of level j + 1 from level j's band.
    void reduceBand(const BandPlanes& fine, int j, RowRange r, BandPlanes& out) const
    {
        const Level f = m_levels[std::size_t(j)], c = m_levels[std::size_t(j + 1)];
        out.reset(r, c.width, fine.planes);
        parallelFor(r.begin, r.end, 8, [&](int i0, int i1) {
            std::vector<float> scratch(std::size_t(2) * f.width);
            for (int i = i0; i < i1; ++i)
                for (int p = 0; p < fine.planes; ++p) {
                    const float* taps[5];
                    for (int t = 0; t < 5; ++t) taps[t] = fine.row(p, reflect101(2 * i - 2 + t, f.height));
                    detail::downsampleRow(taps, f.width, scratch.data(), out.row(p, i));
                }
        });
    }

    // Pass 1: level L0 of every frame and weight pyramid, whole; then the blend of the levels
    // ≥ L0, collapsed onto level L0 (m_coarse).
    void keepCoarseLevels()
    {
        const int l0 = m_plan.coarseLevel;
        const Level top = m_levels[std::size_t(l0)];
        std::vector<detail::Planes> keptFrames(static_cast<std::size_t>(m_k));
        std::vector<Image> keptWeights;
        for (int f = 0; f < m_k; ++f) {
            for (int c = 0; c < m_planes; ++c) keptFrames[std::size_t(f)].planes.push_back(Image::uninitialised(top.width, top.height, 1));
            keptWeights.push_back(Image::uninitialised(top.width, top.height, 1));
        }
        const int coarseBand = std::max(1, m_plan.bandRows >> l0);
        const int bands = (top.height + coarseBand - 1) / coarseBand;
        std::vector<BandPlanes> g(std::size_t(l0 + 1)), wt(std::size_t(l0 + 1));
        for (int b = 0; b < bands; ++b) {
            m_progress.checkCancelled();
            const RowRange band{b * coarseBand, std::min(top.height, (b + 1) * coarseBand)};
            const fuselab::detail::BandRows need = fuselab::detail::rowsForCoarseBand(band, m_heights, l0);
            for (FrameWindow& w : m_windows) w.require(need.frames);
            computeWeights(need.weights[0]);
            for (int f = 0; f < m_k; ++f) {
                reduceFrame(f, need.gauss[1], g[1]);
                reduceWeights(f, need.weights[1], wt[1]);
                for (int j = 1; j < l0; ++j) {
                    reduceBand(g[std::size_t(j)], j, need.gauss[std::size_t(j + 1)], g[std::size_t(j + 1)]);
                    reduceBand(wt[std::size_t(j)], j, need.weights[std::size_t(j + 1)], wt[std::size_t(j + 1)]);
                }
                for (int y = band.begin; y < band.end; ++y) {
                    for (int c = 0; c < m_planes; ++c)
                        std::memcpy(keptFrames[std::size_t(f)].planes[std::size_t(c)].row(y), g[std::size_t(l0)].row(c, y), sizeof(float) * top.width);
                    std::memcpy(keptWeights[std::size_t(f)].row(y), wt[std::size_t(l0)].row(0, y), sizeof(float) * top.width);
                }
            }
            m_progress.report(kPassOneShare * 0.9 * double(b + 1) / double(bands), "coarse levels");
        }
        m_weights.clear();
        m_weights.shrink_to_fit();
        m_weightsF.clear();
        m_weightsF.shrink_to_fit();
        std::vector<detail::Planes> acc = detail::zeroPyramid(top.width, top.height, m_planes, m_plan.levels - l0);
        for (int f = 0; f < m_k; ++f) {
            detail::accumulateBlend(keptFrames[std::size_t(f)], keptWeights[std::size_t(f)], acc);
            keptFrames[std::size_t(f)] = {};
            keptWeights[std::size_t(f)] = Image();
        }
        m_coarse = detail::collapsePlanes(acc);
        m_progress.report(kPassOneShare, "coarse levels");
    }

    // Rows r of level j expanded from level j + 1's rows in `coarse` into `up` (per plane, width of level j).
    void expandRow(const BandPlanes& coarse, int j, int c, int y, float* scratch, float* up) const
    {
        const Level f = m_levels[std::size_t(j)], cl = m_levels[std::size_t(j + 1)];
        const detail::UpsampleTaps t = detail::upsampleTaps(y, f.height);
        detail::upsampleRow(coarse.row(c, t.rows[0]), coarse.row(c, t.rows[1]), coarse.row(c, t.rows[2]), t.even, cl.width, f.width, scratch, up);
    }

    // Pass 2: output rows `band`.
    void writeBand(RowRange band)
    {
        const int l0 = m_plan.coarseLevel, w = m_levels[0].width;
        const bool pyramid = l0 > 0;
        const fuselab::detail::BandRows need = fuselab::detail::rowsForOutputBand(band, m_heights, l0);
        const std::vector<RowRange>& fused = need.fused;
        const std::vector<RowRange>& gauss = need.gauss;
        const std::vector<RowRange>& weights = need.weights;
        for (FrameWindow& win : m_windows) win.require(need.frames);
        computeWeights(weights[0]);

        // Accumulators: level 0 over the band, levels 1 … L0−1 over fused[j].
        std::vector<BandPlanes> acc(std::size_t(std::max(1, l0)));
        acc[0].reset(band, w, m_planes);
        for (int j = 1; j < l0; ++j) acc[std::size_t(j)].reset(fused[std::size_t(j)], m_levels[std::size_t(j)].width, m_planes);
        std::vector<BandPlanes> g(std::size_t(l0 + 1)), wt(std::size_t(l0 + 1));
        for (int f = 0; f < m_k; ++f) {
            m_progress.checkCancelled();
            if (pyramid) {
                reduceFrame(f, gauss[1], g[1]);
                if (l0 >= 2) reduceWeights(f, weights[1], wt[1]);
                for (int j = 1; j < l0; ++j) {
                    reduceBand(g[std::size_t(j)], j, gauss[std::size_t(j + 1)], g[std::size_t(j + 1)]);
                    if (j + 1 < l0) reduceBand(wt[std::size_t(j)], j, weights[std::size_t(j + 1)], wt[std::size_t(j + 1)]);
                }
                for (int j = 1; j < l0; ++j) accumulateLaplacian(g[std::size_t(j)], g[std::size_t(j + 1)], wt[std::size_t(j)], j, acc[std::size_t(j)]);
            }
            accumulateFinest(f, pyramid ? &g[1] : nullptr, acc[0]);
        }
        // Collapse onto the kept coarse level, then onto level 0, and write.
        BandPlanes collapsed;
        if (pyramid) {
            collapsed.reset(fused[std::size_t(l0)], m_levels[std::size_t(l0)].width, m_planes);
            for (int y = collapsed.range.begin; y < collapsed.range.end; ++y)
                for (int c = 0; c < m_planes; ++c)
                    std::memcpy(collapsed.row(c, y), m_coarse.planes[std::size_t(c)].row(y), sizeof(float) * collapsed.width);
            for (int j = l0 - 1; j >= 1; --j) {
                BandPlanes next;
                next.reset(fused[std::size_t(j)], m_levels[std::size_t(j)].width, m_planes);
                parallelFor(next.range.begin, next.range.end, 8, [&](int y0, int y1) {
                    std::vector<float> scratch(static_cast<std::size_t>(collapsed.width));
                    for (int y = y0; y < y1; ++y)
                        for (int c = 0; c < m_planes; ++c) {
                            float* __restrict u = next.row(c, y);
                            expandRow(collapsed, j, c, y, scratch.data(), u);
                            const float* __restrict a = acc[std::size_t(j)].row(c, y);
                            for (int x = 0; x < next.width; ++x) u[x] += a[x];
                        }
                });
                collapsed = std::move(next);
            }
        }
        writeRows(band, pyramid ? &collapsed : nullptr, acc[0]);
    }

    // acc_j += W_j · (G_j − up(G_{j+1})) over acc's rows: the whole-image engine's accumulateBlend, one level.
    void accumulateLaplacian(const BandPlanes& gj, const BandPlanes& coarser, const BandPlanes& wj, int j, BandPlanes& acc) const
    {
        const int w = acc.width;
        parallelFor(acc.range.begin, acc.range.end, 8, [&](int y0, int y1) {
            std::vector<float> scratch(static_cast<std::size_t>(coarser.width)), up(static_cast<std::size_t>(w));
            for (int y = y0; y < y1; ++y) {
                const float* __restrict wr = wj.row(0, y);
                for (int c = 0; c < acc.planes; ++c) {
                    expandRow(coarser, j, c, y, scratch.data(), up.data());
                    float* __restrict o = acc.row(c, y);
                    const float* __restrict gr = gj.row(c, y);
                    const float* __restrict u = up.data();
                    for (int x = 0; x < w; ++x) o[x] += wr[x] * (gr[x] - u[x]);
                }
            }
        });
    }

    // Level 0: acc += Ŵ · (I − up(G1)), G1 in the 16-bit form the whole-image engine keeps for
    // integer frames; without a pyramid, acc += Ŵ · I.
    void accumulateFinest(int f, const BandPlanes* g1, BandPlanes& acc)
    {
        const int w = acc.width;
        const FrameWindow& win = m_windows[std::size_t(f)];
        BandPlanes compact;
        const BandPlanes* level1 = g1;
        if (g1 && m_compactLevel1) {
            compact = *g1;
            for (float& v : compact.data) v = float(detail::toFixed16(v)) * (1.0f / 65535.0f);
            level1 = &compact;
        }
        parallelFor(acc.range.begin, acc.range.end, 8, [&](int y0, int y1) {
            std::vector<float> in(std::size_t(3) * w), weight(static_cast<std::size_t>(w)), up(static_cast<std::size_t>(w)),
                scratch(static_cast<std::size_t>(level1 ? level1->width : 1));
            float* planes[3] = {in.data(), in.data() + w, in.data() + 2 * w};
            for (int y = y0; y < y1; ++y) {
                withSampleType(win.type(), [&](auto tag) {
                    using T = decltype(tag);
                    detail::loadPlanes(win.row<T>(y), w, m_channels, planes);
                    return 0;
                });
                const float* __restrict levelZero = weightsAsFloat(f, y, weight.data());
                for (int c = 0; c < m_planes; ++c) {
                    float* __restrict a = acc.row(c, y);
                    const float* __restrict i = planes[c];
                    const float* __restrict wr = levelZero;
                    if (level1) {
                        expandRow(*level1, 0, c, y, scratch.data(), up.data());
                        const float* __restrict u = up.data();
                        for (int x = 0; x < w; ++x) a[x] += wr[x] * (i[x] - u[x]);
                    } else {
                        for (int x = 0; x < w; ++x) a[x] += wr[x] * i[x];
                    }
                }
            }
        });
    }

    void writeRows(RowRange band, const BandPlanes* collapsed, BandPlanes& acc)
    {
        const int w = acc.width, p = m_planes;
        std::vector<float> scratch(static_cast<std::size_t>(collapsed ? collapsed->width : 1)), up(static_cast<std::size_t>(w));
        const int bytes = m_outputType == FusedSampleType::U8 ? 1 : m_outputType == FusedSampleType::U16 ? 2 : 4;
        std::vector<std::uint8_t> row(std::size_t(w) * p * bytes);
        for (int y = band.begin; y < band.end; ++y) {
            const float* accRow[3] = {acc.row(0, y), acc.row(std::min(1, p - 1), y), acc.row(std::min(2, p - 1), y)};
            if (collapsed)
                for (int c = 0; c < p; ++c) {
                    expandRow(*collapsed, 0, c, y, scratch.data(), up.data());
                    float* __restrict a = acc.row(c, y);
                    for (int x = 0; x < w; ++x) a[x] += up[std::size_t(x)];
                }
            switch (m_outputType) {
            case FusedSampleType::U8: detail::storeRow(accRow, p, w, row.data()); break;
            case FusedSampleType::U16: detail::storeRow(accRow, p, w, reinterpret_cast<std::uint16_t*>(row.data())); break;
            case FusedSampleType::Float: detail::storeRow(accRow, p, w, reinterpret_cast<float*>(row.data())); break;
            }
            m_out.writeRow(row.data());
        }
    }

    BandedFusionPlan m_plan;
    FusedSampleType m_outputType;
    WeightRowsFn m_weightRows; // set: supplied weights (learned fusion), blended in float
    FusedRowWriter& m_out;
    ProgressSink& m_progress;
    detail::QualityModel m_q8, m_q16, m_qf;
    std::vector<FrameWindow> m_windows;
    std::vector<Level> m_levels;
    std::vector<int> m_heights;
    int m_k = 0, m_channels = 3, m_planes = 3;
    bool m_compactLevel1 = true;
    std::vector<std::uint16_t> m_weights; // frames × weight rows × width
    std::vector<float> m_weightsF;        // the same, supplied weights in float
    RowRange m_weightRange;
    detail::Planes m_coarse; // the blend of levels ≥ L0, collapsed onto level L0
};

} // namespace

void fuseMertensBandedImpl(const std::vector<FrameRowReader*>& frames, const MertensParams& params, const BandedFusionPlan& plan,
                           const BandedFusionOptions& options, FusedRowWriter& out, ProgressSink& progress)
{
    BandedEngine engine(frames, params, plan, options, out, progress);
    engine.run();
}

} // namespace fuselab::FUSELAB_ISA
