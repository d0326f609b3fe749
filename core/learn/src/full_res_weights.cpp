#include "full_res_weights.hpp"
#include "full_res/plane_ops.hpp"
#include "fuselab/base/pyramid_geometry.hpp"

#include "fuselab/base/error.hpp"
#include "fuselab/base/parallel.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <functional>

namespace fuselab::learn::detail {
namespace {

constexpr float kGreyR = 0.298936021293775f, kGreyG = 0.587043074451121f, kGreyB = 0.114020904255103f;

struct TwoTaps {
    std::vector<int> i0, i1;
    std::vector<float> l0, l1;
};

// LibTorch's linear upsampling taps (align_corners = false, linearUpsampleTap), as flat arrays
// for the weight loop.
TwoTaps linearTaps(int in, int out)
{
    TwoTaps t;
    for (int d = 0; d < out; ++d) {
        const LinearTap tap = linearUpsampleTap(in, out, d);
        t.i0.push_back(tap.i0);
        t.i1.push_back(tap.i1);
        t.l0.push_back(1.0f - tap.w1);
        t.l1.push_back(tap.w1);
    }
    return t;
}

} // namespace

// log2 and exp2 to about 1e-7 relative, branch-free so the weight loop vectorises (the libm
// calls cost 0.4 s per 12 MP × 4 frames on the build machine). x > 0 normal; y in [−126, 127].
inline float fastLog2(float x)
{
    std::uint32_t bits = __builtin_bit_cast(std::uint32_t, x);
    float e = float(int((bits >> 23) & 255u) - 127);
    bits = (bits & 0x7fffffu) | 0x3f800000u;
    float m = __builtin_bit_cast(float, bits);
    const bool high = m > 1.41421356f;
    m = high ? 0.5f * m : m;
    e += high ? 1.0f : 0.0f;
    const float t = (m - 1.0f) / (m + 1.0f), t2 = t * t; // |t| ≤ 0.172: ln m = 2(t + t³/3 + t⁵/5 + t⁷/7 + …)
    const float ln = 2.0f * t * (1.0f + t2 * (1.0f / 3.0f + t2 * (1.0f / 5.0f + t2 * (1.0f / 7.0f))));
    return e + ln * 1.44269504f;
}

inline float fastExp2(float y)
{
    y = std::min(127.0f, std::max(-126.0f, y));
    const int truncated = int(y);
    const int n = truncated - (y < float(truncated) ? 1 : 0); // floor without a libm call
    const float g = (y - float(n) - 0.5f) * 0.693147181f;     // |g| ≤ 0.347: e^g to degree 6, then × √2 · 2^n
    const float p = 1.0f + g * (1.0f + g * (0.5f + g * (1.0f / 6.0f + g * (1.0f / 24.0f + g * (1.0f / 120.0f + g * (1.0f / 720.0f))))));
    const float scale = __builtin_bit_cast(float, std::uint32_t(n + 127) << 23);
    return p * 1.41421356f * scale;
}

Image frameToFloat(const SampleImage& frame)
{
    const int w = frame.width(), h = frame.height(), ch = frame.channels();
    const int keep = ch >= 3 ? 3 : 1;
    Image out = Image::uninitialised(w, h, keep, frame.encoding());
    parallelFor(0, h, 16, [&](int y0, int y1) {
        std::vector<float> row(static_cast<std::size_t>(w) * ch);
        for (int y = y0; y < y1; ++y) {
            frame.rowToFloat(y, row.data());
            float* d = out.row(y);
            if (keep == ch) std::memcpy(d, row.data(), sizeof(float) * std::size_t(w) * ch);
            else
                for (int x = 0; x < w; ++x)
                    for (int c = 0; c < keep; ++c) d[x * keep + c] = row[std::size_t(x) * ch + c];
        }
    });
    return out;
}

AreaDownsampler::AreaDownsampler(int widthPx, int heightPx, int channels, int outW, int outH)
    : m_w(widthPx), m_h(heightPx), m_ch(channels), m_outW(outW), m_outH(outH), m_xs(std::size_t(outW)), m_xe(std::size_t(outW))
{
    for (int i = 0; i < outW; ++i) {
        m_xs[std::size_t(i)] = int((std::int64_t(i) * widthPx) / outW);
        m_xe[std::size_t(i)] = int((std::int64_t(i + 1) * widthPx + outW - 1) / outW);
    }
}

int AreaDownsampler::cellBegin(int oy) const { return int((std::int64_t(oy) * m_h) / m_outH); }
int AreaDownsampler::cellEnd(int oy) const { return int((std::int64_t(oy + 1) * m_h + m_outH - 1) / m_outH); }

void AreaDownsampler::accumulate(const float* src, double* acc) const
{
    for (int ox = 0; ox < m_outW; ++ox) {
        double s[3] = {0, 0, 0};
        for (int x = m_xs[std::size_t(ox)]; x < m_xe[std::size_t(ox)]; ++x)
            for (int c = 0; c < 3; ++c) s[c] += src[std::size_t(x) * m_ch + (m_ch >= 3 ? c : 0)];
        for (int c = 0; c < 3; ++c) acc[std::size_t(ox) * 3 + c] += s[c];
    }
}

void AreaDownsampler::finishRow(int oy, const double* acc, float* dst) const
{
    for (int ox = 0; ox < m_outW; ++ox) {
        const double n = double(cellEnd(oy) - cellBegin(oy)) * double(m_xe[std::size_t(ox)] - m_xs[std::size_t(ox)]);
        for (int c = 0; c < 3; ++c) dst[ox * 3 + c] = float(acc[std::size_t(ox) * 3 + c] / n);
    }
}

void AreaDownsampler::addRow(int y, const float* src)
{
    if (m_acc.empty()) m_acc.assign(std::size_t(m_outW) * std::size_t(m_outH) * 3, 0.0);
    // Cells overlap by at most one row: start a little before the cell that holds y.
    for (int oy = std::max(0, int((std::int64_t(y) * m_outH) / m_h) - 2); oy < m_outH && cellBegin(oy) <= y; ++oy)
        if (y < cellEnd(oy)) accumulate(src, m_acc.data() + std::size_t(oy) * std::size_t(m_outW) * 3);
}

Image AreaDownsampler::result(ColourEncoding encoding) const
{
    Image out = Image::uninitialised(m_outW, m_outH, 3, encoding);
    std::vector<double> zeros(std::size_t(m_outW) * 3, 0.0);
    for (int oy = 0; oy < m_outH; ++oy)
        finishRow(oy, m_acc.empty() ? zeros.data() : m_acc.data() + std::size_t(oy) * std::size_t(m_outW) * 3, out.row(oy));
    return out;
}

Image areaDownsample(const Image& image, int outW, int outH)
{
    // Each output row from its cell's rows in order: the same sums, in the same order, as a
    // frame streamed through AreaDownsampler::addRow.
    const AreaDownsampler down(image.width(), image.height(), image.channels(), outW, outH);
    Image out = Image::uninitialised(outW, outH, 3, image.encoding());
    parallelFor(0, outH, 1, [&](int o0, int o1) {
        std::vector<double> acc(static_cast<std::size_t>(outW) * 3);
        for (int oy = o0; oy < o1; ++oy) {
            std::fill(acc.begin(), acc.end(), 0.0);
            for (int y = down.cellBegin(oy); y < down.cellEnd(oy); ++y) down.accumulate(image.row(y), acc.data());
            down.finishRow(oy, acc.data(), out.row(oy));
        }
    });
    return out;
}

Image colourChannels(const Image& image)
{
    if (image.channels() == 1 || image.channels() == 3) return image;
    const int keep = image.channels() == 4 ? 3 : 1;
    Image out = Image::uninitialised(image.width(), image.height(), keep, image.encoding());
    for (int y = 0; y < image.height(); ++y) {
        const float* s = image.row(y);
        float* d = out.row(y);
        for (int x = 0; x < image.width(); ++x)
            for (int c = 0; c < keep; ++c) d[x * keep + c] = s[x * image.channels() + c];
    }
    return out;
}

void fullResWeightRows(int w, int h, int k, int channels, const std::function<const float*(int, int)>& rowOf, const float* meanA,
                       const float* meanB, int lowH, int lowW, const DetailTerm& detail, int y0, int y1,
                       const std::function<float*(int, int)>& outRow)
{
    const TwoTaps tx = linearTaps(lowW, w), ty = linearTaps(lowH, h);
    const std::size_t plane = std::size_t(lowH) * lowW;
    std::vector<float> aRow(static_cast<std::size_t>(k) * lowW), bRow(static_cast<std::size_t>(k) * lowW), sum(static_cast<std::size_t>(w));
    std::vector<float> gainRow(static_cast<std::size_t>(w));
    // Per input, the grey of the last three rows seen (each row's grey is computed once per call).
    std::vector<float> greyCache(static_cast<std::size_t>(k) * 3 * w);
    std::vector<int> cachedRow(static_cast<std::size_t>(k) * 3, -1);
    const int ch = channels;
    for (int y = y0; y < y1; ++y) {
        // Vertical interpolation of each coefficient row once per output row.
        for (int i = 0; i < k; ++i) {
            const float* a0 = meanA + i * plane + std::size_t(ty.i0[std::size_t(y)]) * lowW;
            const float* a1 = meanA + i * plane + std::size_t(ty.i1[std::size_t(y)]) * lowW;
            const float* b0 = meanB + i * plane + std::size_t(ty.i0[std::size_t(y)]) * lowW;
            const float* b1 = meanB + i * plane + std::size_t(ty.i1[std::size_t(y)]) * lowW;
            const float l0 = ty.l0[std::size_t(y)], l1 = ty.l1[std::size_t(y)];
            for (int x = 0; x < lowW; ++x) {
                aRow[std::size_t(i) * lowW + x] = l0 * a0[x] + l1 * a1[x];
                bRow[std::size_t(i) * lowW + x] = l0 * b0[x] + l1 * b1[x];
            }
        }
        std::fill(sum.begin(), sum.end(), 0.0f);
        for (int i = 0; i < k; ++i) {
            // Grey of rows y−1, y, y+1 (reflect-101), for the guide and the Laplacian.
            auto greyRow = [&](int r) -> const float* {
                int* slots = cachedRow.data() + std::size_t(i) * 3;
                float* base = greyCache.data() + std::size_t(i) * 3 * w;
                for (int s2 = 0; s2 < 3; ++s2)
                    if (slots[s2] == r) return base + std::size_t(s2) * w;
                // Replace a row this output row does not need.
                const int need[3] = {reflect101(y - 1, h), y, reflect101(y + 1, h)};
                int slot = 0;
                while (slot < 2 && (slots[slot] == need[0] || slots[slot] == need[1] || slots[slot] == need[2])) ++slot;
                slots[slot] = r;
                float* g = base + std::size_t(slot) * w;
                const float* src = rowOf(i, r);
                for (int x = 0; x < w; ++x) {
                    const float* p = src + std::size_t(x) * ch;
                    g[x] = ch >= 3 ? kGreyR * p[0] + kGreyG * p[1] + kGreyB * p[2] : p[0];
                }
                return g;
            };
            const float* up = detail.enabled ? greyRow(reflect101(y - 1, h)) : nullptr;
            const float* mid = greyRow(y);
            const float* down = detail.enabled ? greyRow(reflect101(y + 1, h)) : nullptr;
            float* gain = gainRow.data();
            if (detail.enabled) {
                // |Laplacian| + ε, then (·)^β: interior in a vectorisable loop, borders mirrored.
                auto lapAt = [&](int x) {
                    const int xl = reflect101(x - 1, w), xr = reflect101(x + 1, w);
                    return std::fabs((up[x] + down[x]) + (mid[xl] + mid[xr]) - 4.0f * mid[x]);
                };
                gain[0] = lapAt(0);
                for (int x = 1; x + 1 < w; ++x) gain[x] = std::fabs((up[x] + down[x]) + (mid[x - 1] + mid[x + 1]) - 4.0f * mid[x]);
                if (w > 1) gain[w - 1] = lapAt(w - 1);
                const float beta = detail.exponent, eps = detail.floor;
                for (int x = 0; x < w; ++x) gain[x] = fastExp2(beta * fastLog2(gain[x] + eps));
            }
            float* dst = outRow(i, y);
            const float* ar = aRow.data() + std::size_t(i) * lowW;
            const float* br = bRow.data() + std::size_t(i) * lowW;
            for (int x = 0; x < w; ++x) {
                const int j0 = tx.i0[std::size_t(x)], j1 = tx.i1[std::size_t(x)];
                const float a = tx.l0[std::size_t(x)] * ar[j0] + tx.l1[std::size_t(x)] * ar[j1];
                const float b = tx.l0[std::size_t(x)] * br[j0] + tx.l1[std::size_t(x)] * br[j1];
                float q = std::max(a * mid[x] + b, 0.0f) + 1e-6f;
                if (detail.enabled) q *= gain[x];
                dst[x] = q;
                sum[std::size_t(x)] += q;
            }
        }
        for (int i = 0; i < k; ++i) {
            float* dst = outRow(i, y);
            for (int x = 0; x < w; ++x) dst[x] /= sum[std::size_t(x)];
        }
    }
}

std::vector<Image> fullResWeightsCpu(const std::vector<Image>& images, const float* meanA, const float* meanB, int lowH,
                                     int lowW, const DetailTerm& detail)
{
    if (images.empty()) throw Error("no images");
    const int w = images[0].width(), h = images[0].height(), k = int(images.size());
    std::vector<Image> weights;
    for (int i = 0; i < k; ++i) weights.push_back(Image::uninitialised(w, h, 1));
    const std::function<const float*(int, int)> rowOf = [&](int i, int y) -> const float* { return images[std::size_t(i)].row(y); };
    const std::function<float*(int, int)> outRow = [&](int i, int y) { return weights[std::size_t(i)].row(y); };
    parallelFor(0, h, 8, [&](int y0, int y1) {
        fullResWeightRows(w, h, k, images[0].channels(), rowOf, meanA, meanB, lowH, lowW, detail, y0, y1, outRow);
    });
    return weights;
}

} // namespace fuselab::learn::detail
