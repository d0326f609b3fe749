// The exposure-fusion engine. The algorithm is in mertens.hpp; this file is about doing it
// fast and with little memory: frames stay in their own sample type, level-0 weights are
// 16-bit fixed point, every row is processed as planar float samples (flat loops the
// compiler vectorises), and the full-resolution level is written row by row straight into
// the output type.
#include "fuselab/mertens.hpp"

#include "fuselab/error.hpp"
#include "fuselab/parallel.hpp"
#include "fuselab/pyramid.hpp"
#include "planar_pyramid.hpp"
#include "pyramid_rows.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <type_traits>
#include <vector>

#include "isa_target.hpp"

namespace fuselab::FUSELAB_ISA {
namespace {

constexpr float kWeightEpsilon = 1e-12f;
constexpr float kWeightScale = 65535.0f; // level-0 weights in 16-bit fixed point

template <typename T>
constexpr float normaliser()
{
    if constexpr (std::is_same_v<T, std::uint8_t>) return 1.0f / 255.0f;
    else if constexpr (std::is_same_v<T, std::uint16_t>) return 1.0f / 65535.0f;
    else return 1.0f;
}

template <typename T, int Channels>
void deinterleave(const T* __restrict src, int w, float* __restrict r, float* __restrict g, float* __restrict b)
{
    // The channel count is a compile-time constant so the strided loads vectorise.
    constexpr float s = normaliser<T>();
    for (int x = 0; x < w; ++x) {
        r[x] = float(src[x * Channels]) * s;
        g[x] = float(src[x * Channels + 1]) * s;
        b[x] = float(src[x * Channels + 2]) * s;
    }
}

// Row y of a frame as planar rows of float [0,1] samples (alpha dropped).
template <typename T>
void loadPlanes(const ImageBuffer<T>& img, int y, int planes, float* const* dst)
{
    const T* __restrict src = img.row(y);
    const int w = img.width();
    constexpr float s = normaliser<T>();
    switch (img.channels()) {
    case 1: {
        float* __restrict d = dst[0];
        for (int x = 0; x < w; ++x) d[x] = float(src[x]) * s;
        break;
    }
    case 3: deinterleave<T, 3>(src, w, dst[0], dst[1], dst[2]); break;
    default: deinterleave<T, 4>(src, w, dst[0], dst[1], dst[2]); break;
    }
    (void)planes;
}

// Per-row scratch: planar colour rows and grey rows with a one-row halo.
struct RowScratch {
    std::vector<float> colour; // 3 × w
    std::vector<float> grey;   // (rows + 2) × w
    std::vector<float> terms;  // 2 × w
    float* plane(int c, int w) { return colour.data() + std::size_t(c) * w; }
};

struct QualityModel {
    float wc, ws, we, optimum, twoSigmaSq, floor;
    std::vector<float> exposednessTable; // per code value, already raised to we

    float exposedness(float v) const
    {
        const float d = v - optimum;
        return std::exp(-we * d * d / twoSigmaSq);
    }
};

template <typename T>
QualityModel makeQualityModel(const MertensParams& p)
{
    QualityModel q{float(p.contrastExponent), float(p.saturationExponent), float(p.exposednessExponent), float(p.optimum),
                   float(2.0 * p.sigma * p.sigma), float(p.qualityFloor), {}};
    if constexpr (!std::is_same_v<T, float>) {
        const std::size_t codes = std::size_t(1) << (8 * sizeof(T));
        q.exposednessTable.resize(codes);
        for (std::size_t i = 0; i < codes; ++i) q.exposednessTable[i] = q.exposedness(float(i) * normaliser<T>());
    }
    return q;
}

void raiseInPlace(float* v, int n, float exponent)
{
    if (exponent == 1.0f) return;
    if (exponent == 0.0f) {
        std::fill(v, v + n, 1.0f);
        return;
    }
    for (int i = 0; i < n; ++i) v[i] = v[i] > 0.0f ? std::pow(v[i], exponent) : 0.0f;
}

// Saturation S = sqrt(Σ_c (c − mean)²) (OpenCV's scale: √3 × the standard deviation; the factor
// cancels in the normalisation except against the 1e-12 epsilon). Computed in MergeMertens's own
// order — mean = ((r + g) + b) · (1/3), then ((dr² + dg²) + db²) — and without FMA contraction, so
// that it rounds as the reference does: for a neutral pixel the mean of three equal floats is
// often not exactly that float, which leaves S at ~1e-8 instead of 0, and where every frame's
// weight is that small (a grey, well-exposed pixel beside a nearly black one) this rounding is
// what decides between the frames. Measured on a real pair: exact zeros there moved weights by
// up to 0.88 and the fused result by 0.12 against MergeMertens.
#pragma GCC push_options
#pragma GCC optimize("fp-contract=off")
void saturationRow(const float* __restrict r, const float* __restrict g, const float* __restrict b, int w, float floor,
                   float* __restrict out)
{
    for (int x = 0; x < w; ++x) {
        const float m = ((r[x] + g[x]) + b[x]) * (1.0f / 3.0f);
        const float dr = r[x] - m, dg = g[x] - m, db = b[x] - m;
        out[x] = std::sqrt((dr * dr + dg * dg) + db * db) + floor;
    }
}

// Grey with Rec. 601 weights, as OpenCV's RGB2GRAY. Also without contraction: in smooth gradients
// the Laplacian is itself at the rounding level, and FMA in one instruction set but not the other
// would let the two kernels pick different frames there.
void greyRow(const float* __restrict r, const float* __restrict g, const float* __restrict b, int w, float* __restrict out)
{
    for (int x = 0; x < w; ++x) out[x] = 0.299f * r[x] + 0.587f * g[x] + 0.114f * b[x];
}
#pragma GCC pop_options

template <typename T, int Channels>
void exposednessProduct(const T* __restrict src, int w, const float* __restrict table, float* __restrict out)
{
    for (int x = 0; x < w; ++x) {
        float e = table[src[x * Channels]];
        for (int c = 1; c < std::min(Channels, 3); ++c) e *= table[src[x * Channels + c]];
        out[x] = e;
    }
}

// Raw (unnormalised) weights W = C^wc · S^ws · E^we + ε of rows [y0, y1) into out. Each
// frame row is converted once: its grey feeds the contrast of the rows around it, its
// colour the saturation and well-exposedness of its own row.
template <typename T>
void computeWeightRows(const ImageBuffer<T>& img, int planes, const QualityModel& q, int y0, int y1, float* out, RowScratch& s)
{
    const int w = img.width(), h = img.height(), ch = img.channels();
    const int greyRows = y1 - y0 + 2;
    s.colour.resize(std::size_t(3) * w);
    s.grey.resize(std::size_t(greyRows) * w);
    s.terms.resize(std::size_t(2) * w);
    float* const planePtrs[3] = {s.plane(0, w), s.plane(1, w), s.plane(2, w)};
    float* __restrict saturation = s.terms.data() + w;
    for (int r = 0; r < greyRows; ++r) {
        const int y = reflect101(y0 - 1 + r, h);
        loadPlanes(img, y, planes, planePtrs);
        float* __restrict g = s.grey.data() + std::size_t(r) * w;
        const float* __restrict pr = planePtrs[0];
        if (planes == 3) {
            greyRow(pr, planePtrs[1], planePtrs[2], w, g);
        } else {
            std::copy(pr, pr + w, g);
        }
        const bool ownRow = r >= 1 && r <= y1 - y0;
        if (!ownRow) continue;
        float* __restrict o = out + std::size_t(r - 1) * w;
        const T* __restrict src = img.row(y);
        // Well-exposedness: product over channels, tabulated per code for integer samples.
        if constexpr (!std::is_same_v<T, float>) {
            const float* table = q.exposednessTable.data();
            if (ch == 1) exposednessProduct<T, 1>(src, w, table, o);
            else if (ch == 3) exposednessProduct<T, 3>(src, w, table, o);
            else exposednessProduct<T, 4>(src, w, table, o);
        } else {
            for (int x = 0; x < w; ++x) {
                float e = 1.0f;
                for (int c = 0; c < planes; ++c) e *= q.exposedness(src[x * ch + c]);
                o[x] = e;
            }
        }
        if (planes == 3) {
            saturationRow(pr, planePtrs[1], planePtrs[2], w, q.floor, saturation);
            raiseInPlace(saturation, w, q.ws);
            for (int x = 0; x < w; ++x) o[x] *= saturation[x];
        }
    }
    float* __restrict contrast = s.terms.data();
    for (int y = y0; y < y1; ++y) {
        const int r = y - y0 + 1;
        const float* __restrict gm = s.grey.data() + std::size_t(r - 1) * w;
        const float* __restrict g0 = s.grey.data() + std::size_t(r) * w;
        const float* __restrict gp = s.grey.data() + std::size_t(r + 1) * w;
        // Contrast: |4-neighbour Laplacian| (kernel [0 1 0; 1 −4 1; 0 1 0], mirrored edges),
        // summed as differences from the centre: exactly 0 where the grey is flat, whatever
        // the rounding or FMA contraction, so flat regions tie exactly in every instruction set.
        const float floor = q.floor;
        for (int x = 1; x < w - 1; ++x) {
            const float c = g0[x];
            contrast[x] = std::fabs(((gm[x] - c) + (gp[x] - c)) + ((g0[x - 1] - c) + (g0[x + 1] - c))) + floor;
        }
        for (int x : {0, w - 1}) {
            const int xl = reflect101(x - 1, w), xr = reflect101(x + 1, w);
            const float c = g0[x];
            contrast[x] = std::fabs(((gm[x] - c) + (gp[x] - c)) + ((g0[xl] - c) + (g0[xr] - c))) + floor;
        }
        raiseInPlace(contrast, w, q.wc);
        float* __restrict o = out + std::size_t(y - y0) * w;
        for (int x = 0; x < w; ++x) o[x] = contrast[x] * o[x] + kWeightEpsilon;
    }
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
        : m_stack(stack), m_options(options), m_progress(progress), m_q8(makeQualityModel<std::uint8_t>(params)),
          m_q16(makeQualityModel<std::uint16_t>(params)), m_qf(makeQualityModel<float>(params))
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
                    for (int x = 0; x < w; ++x) dst[x] = std::uint16_t(int(std::min(std::max(src[x], 0.0f), 1.0f) * 65535.0f + 0.5f));
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
                    float* __restrict total = sum.data();
                    std::fill(total, total + w, 0.0f);
                    for (int f = 0; f < frames; ++f) {
                        const float* __restrict r = raw.data() + std::size_t(f) * frameStride + rowOffset;
                        for (int x = 0; x < w; ++x) total[x] += r[x];
                    }
                    for (int x = 0; x < w; ++x) total[x] = kWeightScale / total[x];
                    const float* m = motion ? motion->row(y) : nullptr;
                    for (int f = 0; f < frames; ++f) {
                        const float* __restrict r = raw.data() + std::size_t(f) * frameStride + rowOffset;
                        std::uint16_t* __restrict dst = maps[std::size_t(f)].row(y);
                        if (!m) {
                            for (int x = 0; x < w; ++x) dst[x] = std::uint16_t(int(r[x] * total[x] + 0.5f));
                        } else {
                            // Moving pixels take the reference frame only (SPEC §1b).
                            const float target = f == reference ? kWeightScale : 0.0f;
                            for (int x = 0; x < w; ++x) {
                                const float moving = std::min(std::max(m[x], 0.0f), 1.0f);
                                dst[x] = std::uint16_t(int((1.0f - moving) * r[x] * total[x] + moving * target + 0.5f));
                            }
                        }
                    }
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
                        loadPlanes(img, reflect101(firstFine + i, m_h), m_planes, ptrs);
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

    template <typename Out>
    void storeRow(float* const* acc, Out* __restrict dst) const
    {
        const int w = m_w, p = m_planes;
        for (int c = 0; c < p; ++c) {
            const float* __restrict a = acc[c];
            if constexpr (std::is_same_v<Out, float>) {
                for (int x = 0; x < w; ++x) dst[x * p + c] = a[x];
            } else {
                constexpr float maxCode = std::is_same_v<Out, std::uint8_t> ? 255.0f : 65535.0f;
                for (int x = 0; x < w; ++x) dst[x * p + c] = Out(int(std::min(std::max(a[x], 0.0f), 1.0f) * maxCode + 0.5f));
            }
        }
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
                            loadPlanes(img, 2 * i + r, p, planes);
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
                    storeRow(accRow, out.row(2 * i + r));
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
