// The exposure-fusion engine. The algorithm is in mertens.hpp; this file is about doing it
// fast and with little memory: frames stay in their own sample type, level-0 weights are
// 16-bit fixed point, every row is processed as planar float samples (flat loops the
// compiler vectorises), and the full-resolution level is written row by row straight into
// the output type.
#include "fuselab/mertens.hpp"

#include "fuselab/base/error.hpp"
#include "fuselab/base/parallel.hpp"
#include "fuselab/pyramid.hpp"
#include "planar_pyramid.hpp"
#include "mertens_rows.hpp"
#include "pyramid_rows.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <type_traits>
#include <vector>

#include "../isa/isa_target.hpp"

namespace fuselab::FUSELAB_ISA {
namespace {

using detail::kWeightScale;
using detail::QualityModel;
using detail::RowScratch;

// Row y of a frame as planar rows of float [0,1] samples (alpha dropped).
template <typename T>
void loadPlanes(const ImageBuffer<T>& img, int y, float* const* dst)
{
    detail::loadPlanes(img.row(y), img.width(), img.channels(), dst);
}

// Raw weights of rows [y0, y1) of a whole frame (rows above and below mirrored).
template <typename T>
void computeWeightRows(const ImageBuffer<T>& img, int planes, const QualityModel& q, int y0, int y1, float* out, RowScratch& s)
{
    std::vector<const T*> rows;
    for (int y = y0 - 1; y <= y1; ++y) rows.push_back(img.row(reflect101(y, img.height())));
    detail::computeWeightRows(rows.data(), img.width(), img.channels(), planes, q, y1 - y0, out, s);
}

// A frame's level-1 image kept for the final pass: 16-bit fixed point when the frame has
// integer samples (a binomial blur of [0,1] data stays in [0,1]; the 1/65535 step is far
// below an 8-bit output's and within half a code of a 16-bit one), float otherwise.
struct Level1Frame {
    std::vector<Image16> fixed;
    std::vector<Image> floats;
    int width = 0, height = 0;

    /// Row y of plane c as floats: a pointer into the image, or into `scratch` (width floats).
    const float* row(int c, int y, float* scratch) const
    {
        if (!floats.empty()) return floats[std::size_t(c)].row(y);
        const std::uint16_t* __restrict src = fixed[std::size_t(c)].row(y);
        for (int x = 0; x < width; ++x) scratch[x] = float(src[x]) * (1.0f / 65535.0f);
        return scratch;
    }
};

class FusionEngine {
public:
    FusionEngine(const ExposureStack& stack, const MertensParams& params, const FusionOptions& options, ProgressSink& progress)
        : m_stack(stack), m_options(options), m_progress(progress), m_q8(detail::makeQualityModel<std::uint8_t>(params)),
          m_q16(detail::makeQualityModel<std::uint16_t>(params)), m_qf(detail::makeQualityModel<float>(params))
    {
        m_w = stack.width();
        m_h = stack.height();
        m_planes = stack.channels() >= 3 ? 3 : 1;
        m_k = int(stack.size());
        const int maxLevels = mertensPyramidLevels(m_w, m_h);
        m_levels = params.levels > 0 ? std::min(params.levels, maxLevels) : maxLevels;
    }

    FusionResult run()
    {
        m_progress.report(0.0, "weights");
        const std::vector<Image16> weights = computeWeights();
        m_progress.checkCancelled();
        m_progress.report(0.35, "pyramids");

        FusionResult result;
        result.levels = m_levels;
        if (m_options.keepWeightMaps) result.weightMaps = toFloatMaps(weights);

        // Levels ≥ 1: each frame's reduction is added into one output pyramid and dropped,
        // keeping only its level-1 image (16-bit for integer frames) for the final pass.
        std::vector<Level1Frame> g1;
        detail::Planes coarse;
        if (m_levels > 1) {
            const int cw = (m_w + 1) / 2, chh = (m_h + 1) / 2;
            std::vector<detail::Planes> acc = detail::zeroPyramid(cw, chh, m_planes, m_levels - 1);
            for (int f = 0; f < m_k; ++f) {
                detail::Planes level1 = reduceFrame(f);
                const Image w1 = reduceWeights(weights[std::size_t(f)]);
                detail::accumulateBlend(level1, w1, acc);
                g1.push_back(compact(std::move(level1)));
                m_progress.checkCancelled();
                m_progress.report(0.35 + 0.35 * double(f + 1) / double(m_k), "pyramids");
            }
            coarse = detail::collapsePlanes(acc);
        }
        m_progress.report(0.7, "full resolution");
        result.fused = finalLevel(weights, g1, coarse);
        m_progress.report(1.0, "done");
        return result;
    }

private:
    void checkCancelledInWorker() const
    {
        if (m_progress.isCancelled()) throw Cancelled();
    }

    template <typename F>
    auto withFrame(int f, F&& fn) const
    {
        const SampleImage& s = m_stack.frames[std::size_t(f)].pixels;
        if (const Image8* p8 = s.as8()) return fn(*p8);
        if (const Image16* p16 = s.as16()) return fn(*p16);
        return fn(*s.asFloat());
    }

    template <typename T>
    const QualityModel& qualityModel() const
    {
        if constexpr (std::is_same_v<T, std::uint8_t>) return m_q8;
        else if constexpr (std::is_same_v<T, std::uint16_t>) return m_q16;
        else return m_qf;
    }

    Level1Frame compact(detail::Planes&& level1) const
    {
        Level1Frame out;
        out.width = level1.width();
        out.height = level1.height();
        if (m_stack.frames.front().pixels.isFloat()) {
            out.floats = std::move(level1.planes);
            return out;
        }
        for (const Image& p : level1.planes) {
            Image16 q = Image16::uninitialised(p.width(), p.height(), 1);
            const int w = p.width();
            parallelFor(0, p.height(), 64, [&](int y0, int y1) {
                for (int y = y0; y < y1; ++y) {
                    const float* __restrict src = p.row(y);
                    std::uint16_t* __restrict dst = q.row(y);
                    for (int x = 0; x < w; ++x) dst[x] = detail::toFixed16(src[x]);
                }
            });
            out.fixed.push_back(q);
        }
        return out;
    }

    std::vector<Image16> computeWeights() const
    {
        std::vector<Image16> maps;
        for (int f = 0; f < m_k; ++f) maps.push_back(Image16::uninitialised(m_w, m_h, 1));
        const Image* motion = m_options.motion ? &m_options.motion->mask : nullptr;
        const int reference = m_options.motion ? m_options.motion->referenceIndex : -1;
        if (motion && (motion->width() != m_w || motion->height() != m_h))
            throw Error("the motion mask does not match the stack's size");
        constexpr int strip = 16;
        const int strips = (m_h + strip - 1) / strip;
        const std::size_t frameStride = std::size_t(strip) * m_w;
        // Loop bounds in locals: a store through float* could alias a member, which would
        // stop the compiler from vectorising loops bounded by w.
        const int w = m_w, frames = m_k;
        parallelFor(0, strips, 1, [&](int s0, int s1) {
            std::vector<float> raw(std::size_t(frames) * frameStride), sum(static_cast<std::size_t>(w));
            std::vector<const float*> rawRows(static_cast<std::size_t>(frames));
            std::vector<std::uint16_t*> dstRows(static_cast<std::size_t>(frames));
            RowScratch scratch;
            for (int s = s0; s < s1; ++s) {
                checkCancelledInWorker();
                const int y0 = s * strip, y1 = std::min(m_h, y0 + strip);
                for (int f = 0; f < frames; ++f)
                    withFrame(f, [&](const auto& img) {
                        using T = typename std::decay_t<decltype(img)>::Sample;
                        computeWeightRows(img, m_planes, qualityModel<T>(), y0, y1, raw.data() + std::size_t(f) * frameStride, scratch);
                        return 0;
                    });
                for (int y = y0; y < y1; ++y) {
                    const std::size_t rowOffset = std::size_t(y - y0) * w;
                    for (int f = 0; f < frames; ++f) {
                        rawRows[std::size_t(f)] = raw.data() + std::size_t(f) * frameStride + rowOffset;
                        dstRows[std::size_t(f)] = maps[std::size_t(f)].row(y);
                    }
                    detail::normaliseWeightRow(rawRows.data(), frames, w, motion ? motion->row(y) : nullptr, reference, sum.data(), dstRows.data());
                }
            }
        });
        return maps;
    }

    // Level 1 of frame f, planar float, from its own samples; fine rows converted once per chunk.
    detail::Planes reduceFrame(int f) const
    {
        return withFrame(f, [&](const auto& img) {
            const int cw = (m_w + 1) / 2, chh = (m_h + 1) / 2;
            detail::Planes out;
            for (int c = 0; c < m_planes; ++c) out.planes.push_back(Image::uninitialised(cw, chh, 1));
            constexpr int chunk = 16;
            parallelFor(0, (chh + chunk - 1) / chunk, 1, [&](int b0, int b1) {
                std::vector<float> rows, scratch(static_cast<std::size_t>(2 * m_w));
                for (int b = b0; b < b1; ++b) {
                    checkCancelledInWorker();
                    const int y0 = b * chunk, y1 = std::min(chh, y0 + chunk);
                    const int firstFine = 2 * y0 - 2, fineCount = 2 * (y1 - y0) + 3;
                    rows.resize(std::size_t(fineCount) * m_planes * m_w);
                    auto planeRow = [&](int fineIndex, int c) { return rows.data() + (std::size_t(fineIndex) * m_planes + c) * m_w; };
                    for (int i = 0; i < fineCount; ++i) {
                        float* ptrs[3] = {planeRow(i, 0), m_planes > 1 ? planeRow(i, 1) : nullptr, m_planes > 2 ? planeRow(i, 2) : nullptr};
                        loadPlanes(img, reflect101(firstFine + i, m_h), ptrs);
                    }
                    for (int y = y0; y < y1; ++y)
                        for (int c = 0; c < m_planes; ++c) {
                            const float* r[5];
                            for (int t = 0; t < 5; ++t) r[t] = planeRow(2 * y - 2 + t - firstFine, c);
                            detail::downsampleRow(r, m_w, scratch.data(), out.planes[std::size_t(c)].row(y));
                        }
                }
            });
            return out;
        });
    }

    Image reduceWeights(const Image16& weights) const
    {
        const int w = m_w;
        const int cw = (m_w + 1) / 2, chh = (m_h + 1) / 2;
        Image out = Image::uninitialised(cw, chh, 1);
        constexpr int chunk = 16;
        parallelFor(0, (chh + chunk - 1) / chunk, 1, [&](int b0, int b1) {
            std::vector<float> rows, scratch(static_cast<std::size_t>(2 * m_w));
            for (int b = b0; b < b1; ++b) {
                const int y0 = b * chunk, y1 = std::min(chh, y0 + chunk);
                const int firstFine = 2 * y0 - 2, fineCount = 2 * (y1 - y0) + 3;
                rows.resize(std::size_t(fineCount) * m_w);
                for (int i = 0; i < fineCount; ++i) {
                    const std::uint16_t* __restrict src = weights.row(reflect101(firstFine + i, m_h));
                    float* __restrict dst = rows.data() + std::size_t(i) * w;
                    for (int x = 0; x < w; ++x) dst[x] = float(src[x]) * (1.0f / kWeightScale);
                }
                for (int y = y0; y < y1; ++y) {
                    const float* r[5];
                    for (int t = 0; t < 5; ++t) r[t] = rows.data() + std::size_t(2 * y - 2 + t - firstFine) * m_w;
                    detail::downsampleRow(r, m_w, scratch.data(), out.row(y));
                }
            }
        });
        return out;
    }

    // out(y) = Σ_k Ŵ_k(y) · (I_k(y) − up(G1_k)(y)) + up(coarse)(y). Fine rows go in pairs
    // (2i, 2i+1), which share the coarse rows i−1 … i+1, so each is converted once.
    template <typename Out>
    ImageBuffer<Out> finalLevelAs(const std::vector<Image16>& weights, const std::vector<Level1Frame>& g1,
                                  const detail::Planes& coarse) const
    {
        const ColourEncoding encoding = m_stack.frames.front().pixels.encoding();
        ImageBuffer<Out> out = ImageBuffer<Out>::uninitialised(m_w, m_h, m_planes, encoding);
        const bool pyramid = !g1.empty();
        const int cw = pyramid ? coarse.width() : 1;
        const int w = m_w, p = m_planes;
        const int pairs = (m_h + 1) / 2;
        parallelFor(0, pairs, 4, [&](int i0, int i1) {
            checkCancelledInWorker();
            // Two output rows of planar accumulators and inputs, one upsampled row, weights.
            std::vector<float> buffer(std::size_t(4 * p + 3) * w), scratch(static_cast<std::size_t>(cw)),
                coarseRows(std::size_t(3) * cw);
            auto acc = [&](int r, int c) { return buffer.data() + std::size_t(r * p + c) * w; };
            auto cur = [&](int r, int c) { return buffer.data() + std::size_t(2 * p + r * p + c) * w; };
            float* __restrict up = buffer.data() + std::size_t(4 * p) * w;
            auto weightRow = [&](int r) { return buffer.data() + std::size_t(4 * p + 1 + r) * w; };
            for (int i = i0; i < i1; ++i) {
                const int rows = std::min(2, m_h - 2 * i);
                for (int r = 0; r < rows; ++r)
                    for (int c = 0; c < p; ++c) std::fill(acc(r, c), acc(r, c) + w, 0.0f);
                const int coarseIndex[3] = {coarseNeighbour(i - 1, m_h), coarseNeighbour(i, m_h),
                                            coarseNeighbour(i + 1, m_h)};
                for (int f = 0; f < m_k; ++f) {
                    for (int r = 0; r < rows; ++r) {
                        float* planes[3] = {cur(r, 0), p > 1 ? cur(r, 1) : nullptr, p > 2 ? cur(r, 2) : nullptr};
                        withFrame(f, [&](const auto& img) {
                            loadPlanes(img, 2 * i + r, planes);
                            return 0;
                        });
                        const std::uint16_t* __restrict wt = weights[std::size_t(f)].row(2 * i + r);
                        float* __restrict wf = weightRow(r);
                        for (int x = 0; x < w; ++x) wf[x] = float(wt[x]) * (1.0f / kWeightScale);
                    }
                    for (int c = 0; c < p; ++c) {
                        const float* cr[3] = {nullptr, nullptr, nullptr};
                        if (pyramid)
                            for (int t = 0; t < 3; ++t) cr[t] = g1[std::size_t(f)].row(c, coarseIndex[t], coarseRows.data() + std::size_t(t) * cw);
                        for (int r = 0; r < rows; ++r) {
                            const float* __restrict weight = weightRow(r);
                            float* __restrict a = acc(r, c);
                            const float* __restrict in = cur(r, c);
                            if (pyramid) {
                                if (r == 0) detail::upsampleRow(cr[0], cr[1], cr[2], true, cw, w, scratch.data(), up);
                                else detail::upsampleRow(cr[1], cr[2], cr[2], false, cw, w, scratch.data(), up);
                                for (int x = 0; x < w; ++x) a[x] += weight[x] * (in[x] - up[x]);
                            } else {
                                for (int x = 0; x < w; ++x) a[x] += weight[x] * in[x];
                            }
                        }
                    }
                }
                for (int r = 0; r < rows; ++r) {
                    float* accRow[3] = {acc(r, 0), p > 1 ? acc(r, 1) : nullptr, p > 2 ? acc(r, 2) : nullptr};
                    if (pyramid)
                        for (int c = 0; c < p; ++c) {
                            const Image& cp = coarse.planes[std::size_t(c)];
                            if (r == 0)
                                detail::upsampleRow(cp.row(coarseIndex[0]), cp.row(coarseIndex[1]), cp.row(coarseIndex[2]), true, cw, w,
                                                    scratch.data(), up);
                            else
                                detail::upsampleRow(cp.row(coarseIndex[1]), cp.row(coarseIndex[2]), cp.row(coarseIndex[2]), false, cw, w,
                                                    scratch.data(), up);
                            float* __restrict a = accRow[c];
                            for (int x = 0; x < w; ++x) a[x] += up[x];
                        }
                    detail::storeRow(accRow, p, w, out.row(2 * i + r));
                }
            }
        });
        return out;
    }

    SampleImage finalLevel(const std::vector<Image16>& weights, const std::vector<Level1Frame>& g1, const detail::Planes& coarse) const
    {
        switch (m_options.outputType) {
        case FusedSampleType::U8: return SampleImage(finalLevelAs<std::uint8_t>(weights, g1, coarse));
        case FusedSampleType::U16: return SampleImage(finalLevelAs<std::uint16_t>(weights, g1, coarse));
        case FusedSampleType::Float: break;
        }
        return SampleImage(finalLevelAs<float>(weights, g1, coarse));
    }

    std::vector<Image> toFloatMaps(const std::vector<Image16>& weights) const
    {
        std::vector<Image> maps;
        for (const Image16& m : weights) {
            Image f = Image::uninitialised(m_w, m_h, 1);
            const int w = m_w;
            for (int y = 0; y < m_h; ++y) {
                const std::uint16_t* __restrict src = m.row(y);
                float* __restrict dst = f.row(y);
                for (int x = 0; x < w; ++x) dst[x] = float(src[x]) * (1.0f / kWeightScale);
            }
            maps.push_back(f);
        }
        return maps;
    }

    const ExposureStack& m_stack;
    FusionOptions m_options;
    ProgressSink& m_progress;
    QualityModel m_q8, m_q16, m_qf;
    int m_w = 0, m_h = 0, m_planes = 3, m_k = 0, m_levels = 1;
};

} // namespace

FusionResult fuseMertensImpl(const ExposureStack& stack, const MertensParams& params, const FusionOptions& options,
                             ProgressSink& progress)
{
    FusionEngine engine(stack, params, options, progress);
    return engine.run();
}

} // namespace fuselab::FUSELAB_ISA
