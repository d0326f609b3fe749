// Per-row arithmetic of exposure fusion; see mertens_rows.hpp. The algorithm is in mertens.hpp.
#include "mertens_rows.hpp"

#include "fuselab/base/pyramid_geometry.hpp"

#include <algorithm>
#include <cmath>

#include "../isa/isa_target.hpp"

namespace fuselab::FUSELAB_ISA::detail {
namespace {

template <typename T, int Channels>
void deinterleave(const T* __restrict src, int w, float* __restrict r, float* __restrict g, float* __restrict b)
{
    // The channel count is a compile-time constant so the strided loads vectorise.
    constexpr float s = sampleNormaliser<T>();
    for (int x = 0; x < w; ++x) {
        r[x] = float(src[x * Channels]) * s;
        g[x] = float(src[x * Channels + 1]) * s;
        b[x] = float(src[x * Channels + 2]) * s;
    }
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

} // namespace

template <typename T>
void loadPlanes(const T* __restrict src, int w, int channels, float* const* dst)
{
    constexpr float s = sampleNormaliser<T>();
    switch (channels) {
    case 1: {
        float* __restrict d = dst[0];
        for (int x = 0; x < w; ++x) d[x] = float(src[x]) * s;
        break;
    }
    case 3: deinterleave<T, 3>(src, w, dst[0], dst[1], dst[2]); break;
    default: deinterleave<T, 4>(src, w, dst[0], dst[1], dst[2]); break;
    }
}

float QualityModel::exposedness(float v) const
{
    const float d = v - optimum;
    return std::exp(-we * d * d / twoSigmaSq);
}

template <typename T>
QualityModel makeQualityModel(const MertensParams& p)
{
    QualityModel q{float(p.contrastExponent), float(p.saturationExponent), float(p.exposednessExponent), float(p.optimum),
                   float(2.0 * p.sigma * p.sigma), float(p.qualityFloor), {}};
    if constexpr (!std::is_same_v<T, float>) {
        const std::size_t codes = std::size_t(1) << (8 * sizeof(T));
        q.exposednessTable.resize(codes);
        for (std::size_t i = 0; i < codes; ++i) q.exposednessTable[i] = q.exposedness(float(i) * sampleNormaliser<T>());
    }
    return q;
}

// Each frame row is converted once: its grey feeds the contrast of the rows around it, its
// colour the saturation and well-exposedness of its own row.
template <typename T>
void computeWeightRows(const T* const* rows, int w, int ch, int planes, const QualityModel& q, int count, float* out, RowScratch& s)
{
    const int greyRows = count + 2;
    s.colour.resize(std::size_t(3) * w);
    s.grey.resize(std::size_t(greyRows) * w);
    s.terms.resize(std::size_t(2) * w);
    float* const planePtrs[3] = {s.plane(0, w), s.plane(1, w), s.plane(2, w)};
    float* __restrict saturation = s.terms.data() + w;
    for (int r = 0; r < greyRows; ++r) {
        const T* __restrict src = rows[r];
        loadPlanes(src, w, ch, planePtrs);
        float* __restrict g = s.grey.data() + std::size_t(r) * w;
        const float* __restrict pr = planePtrs[0];
        if (planes == 3) {
            greyRow(pr, planePtrs[1], planePtrs[2], w, g);
        } else {
            std::copy(pr, pr + w, g);
        }
        const bool ownRow = r >= 1 && r <= count;
        if (!ownRow) continue;
        float* __restrict o = out + std::size_t(r - 1) * w;
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
    for (int r = 1; r <= count; ++r) {
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
        float* __restrict o = out + std::size_t(r - 1) * w;
        for (int x = 0; x < w; ++x) o[x] = contrast[x] * o[x] + kWeightEpsilon;
    }
}

void normaliseWeightRow(const float* const* raw, int frames, int w, const float* m, int reference, float* __restrict total,
                        std::uint16_t* const* dstRows)
{
    std::fill(total, total + w, 0.0f);
    for (int f = 0; f < frames; ++f) {
        const float* __restrict r = raw[f];
        for (int x = 0; x < w; ++x) total[x] += r[x];
    }
    for (int x = 0; x < w; ++x) total[x] = kWeightScale / total[x];
    for (int f = 0; f < frames; ++f) {
        const float* __restrict r = raw[f];
        std::uint16_t* __restrict dst = dstRows[f];
        if (!m) {
            for (int x = 0; x < w; ++x) dst[x] = std::uint16_t(int(r[x] * total[x] + 0.5f));
        } else {
            const float target = f == reference ? kWeightScale : 0.0f;
            for (int x = 0; x < w; ++x) {
                const float moving = std::min(std::max(m[x], 0.0f), 1.0f);
                dst[x] = std::uint16_t(int((1.0f - moving) * r[x] * total[x] + moving * target + 0.5f));
            }
        }
    }
}

template <typename Out>
void storeRow(const float* const* acc, int p, int w, Out* __restrict dst)
{
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

#define FUSELAB_MERTENS_ROWS(T)                                                                                                  \
    template void loadPlanes<T>(const T*, int, int, float* const*);                                                              \
    template QualityModel makeQualityModel<T>(const MertensParams&);                                                             \
    template void computeWeightRows<T>(const T* const*, int, int, int, const QualityModel&, int, float*, RowScratch&);            \
    template void storeRow<T>(const float* const*, int, int, T*);
FUSELAB_MERTENS_ROWS(std::uint8_t)
FUSELAB_MERTENS_ROWS(std::uint16_t)
FUSELAB_MERTENS_ROWS(float)
#undef FUSELAB_MERTENS_ROWS

} // namespace fuselab::FUSELAB_ISA::detail
