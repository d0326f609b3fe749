#include "plane_filters.hpp"

#include "fuselab/base/error.hpp"
#include "fuselab/base/parallel.hpp"

#include <algorithm>
#include <cmath>
#include <vector>

namespace gff {

using fuselab::Image;

namespace {

void requireSameSize(const Image& a, const Image& b)
{
    if (a.width() != b.width() || a.height() != b.height() || a.channels() != 1 || b.channels() != 1)
        throw fuselab::Error("internal: planes of different sizes or with more than one channel");
}

/// Column blocks for the vertical passes: wide enough to stream rows, enough of them to share.
constexpr int kColumnBlock = 256;

} // namespace

Image boxMean(const Image& plane, int radiusPx)
{
    const int w = plane.width(), h = plane.height();
    const int r = std::max(radiusPx, 0);
    // Horizontal means: every output of a row averages the same kind of window, so the 2-D
    // mean of a clipped window is the mean of these row means.
    Image rows = Image::uninitialised(w, h, 1);
    fuselab::parallelFor(0, h, 16, [&](int y0, int y1) {
        std::vector<double> prefix(std::size_t(w) + 1);
        for (int y = y0; y < y1; ++y) {
            const float* src = plane.row(y);
            prefix[0] = 0.0;
            for (int x = 0; x < w; ++x) prefix[std::size_t(x) + 1] = prefix[std::size_t(x)] + double(src[x]);
            float* dst = rows.row(y);
            for (int x = 0; x < w; ++x) {
                const int lo = std::max(0, x - r), hi = std::min(w - 1, x + r);
                dst[x] = float((prefix[std::size_t(hi) + 1] - prefix[std::size_t(lo)]) / double(hi - lo + 1));
            }
        }
    });
    Image out = Image::uninitialised(w, h, 1);
    const int blocks = (w + kColumnBlock - 1) / kColumnBlock;
    fuselab::parallelFor(0, blocks, 1, [&](int b0, int b1) {
        std::vector<double> sums(kColumnBlock);
        for (int b = b0; b < b1; ++b) {
            const int x0 = b * kColumnBlock, x1 = std::min(w, x0 + kColumnBlock), n = x1 - x0;
            std::fill(sums.begin(), sums.end(), 0.0);
            for (int y = 0; y <= std::min(r, h - 1); ++y)
                for (int i = 0; i < n; ++i) sums[std::size_t(i)] += double(rows.row(y)[x0 + i]);
            for (int y = 0; y < h; ++y) {
                const int lo = std::max(0, y - r), hi = std::min(h - 1, y + r);
                const double inv = 1.0 / double(hi - lo + 1);
                float* dst = out.row(y);
                for (int i = 0; i < n; ++i) dst[x0 + i] = float(sums[std::size_t(i)] * inv);
                if (y + r + 1 < h)
                    for (int i = 0; i < n; ++i) sums[std::size_t(i)] += double(rows.row(y + r + 1)[x0 + i]);
                if (y - r >= 0)
                    for (int i = 0; i < n; ++i) sums[std::size_t(i)] -= double(rows.row(y - r)[x0 + i]);
            }
        }
    });
    return out;
}

Image gaussianBlur(const Image& plane, int radiusPx, double sigmaPx)
{
    const int w = plane.width(), h = plane.height();
    const int r = std::max(radiusPx, 0);
    std::vector<double> taps(std::size_t(2 * r + 1));
    for (int k = -r; k <= r; ++k) taps[std::size_t(k + r)] = std::exp(-double(k * k) / (2.0 * sigmaPx * sigmaPx));
    Image rows = Image::uninitialised(w, h, 1);
    fuselab::parallelFor(0, h, 16, [&](int y0, int y1) {
        for (int y = y0; y < y1; ++y) {
            const float* src = plane.row(y);
            float* dst = rows.row(y);
            for (int x = 0; x < w; ++x) {
                double sum = 0.0, weight = 0.0;
                for (int k = std::max(-r, -x); k <= std::min(r, w - 1 - x); ++k) {
                    sum += taps[std::size_t(k + r)] * double(src[x + k]);
                    weight += taps[std::size_t(k + r)];
                }
                dst[x] = float(sum / weight);
            }
        }
    });
    Image out = Image::uninitialised(w, h, 1);
    fuselab::parallelFor(0, h, 16, [&](int y0, int y1) {
        std::vector<double> sum{};
        sum.resize(std::size_t(w));
        for (int y = y0; y < y1; ++y) {
            std::fill(sum.begin(), sum.end(), 0.0);
            double weight = 0.0;
            for (int k = std::max(-r, -y); k <= std::min(r, h - 1 - y); ++k) {
                const double t = taps[std::size_t(k + r)];
                const float* src = rows.row(y + k);
                for (int x = 0; x < w; ++x) sum[std::size_t(x)] += t * double(src[x]);
                weight += t;
            }
            float* dst = out.row(y);
            for (int x = 0; x < w; ++x) dst[x] = float(sum[std::size_t(x)] / weight);
        }
    });
    return out;
}

Image absLaplacian(const Image& plane)
{
    const int w = plane.width(), h = plane.height();
    Image out = Image::uninitialised(w, h, 1);
    fuselab::parallelFor(0, h, 16, [&](int y0, int y1) {
        for (int y = y0; y < y1; ++y) {
            const float* up = plane.row(std::max(y - 1, 0));
            const float* mid = plane.row(y);
            const float* down = plane.row(std::min(y + 1, h - 1));
            float* dst = out.row(y);
            for (int x = 0; x < w; ++x) {
                const float left = mid[std::max(x - 1, 0)], right = mid[std::min(x + 1, w - 1)];
                dst[x] = std::fabs(up[x] + down[x] + left + right - 4.0f * mid[x]);
            }
        }
    });
    return out;
}

Image multiply(const Image& a, const Image& b)
{
    requireSameSize(a, b);
    Image out = Image::uninitialised(a.width(), a.height(), 1);
    fuselab::parallelFor(0, a.height(), 32, [&](int y0, int y1) {
        for (int y = y0; y < y1; ++y) {
            const float* pa = a.row(y);
            const float* pb = b.row(y);
            float* dst = out.row(y);
            for (int x = 0; x < a.width(); ++x) dst[x] = pa[x] * pb[x];
        }
    });
    return out;
}

GuidedFilter::GuidedFilter(const Image& guide, int radiusPx, double epsilon)
    : m_guide(guide), m_meanGuide(boxMean(guide, radiusPx)), m_radiusPx(radiusPx), m_epsilon(epsilon)
{
    m_varianceGuide = boxMean(multiply(guide, guide), radiusPx);
    fuselab::parallelFor(0, guide.height(), 32, [&](int y0, int y1) {
        for (int y = y0; y < y1; ++y) {
            const float* mean = m_meanGuide.row(y);
            float* var = m_varianceGuide.row(y);
            // E[I²] − E[I]² can come out a hair below 0 in float; a variance is never negative.
            for (int x = 0; x < guide.width(); ++x) var[x] = std::max(var[x] - mean[x] * mean[x], 0.0f);
        }
    });
}

Image GuidedFilter::apply(const Image& input) const
{
    requireSameSize(m_guide, input);
    const int w = input.width(), h = input.height();
    const Image meanInput = boxMean(input, m_radiusPx);
    const Image meanProduct = boxMean(multiply(m_guide, input), m_radiusPx);
    Image a = Image::uninitialised(w, h, 1);
    Image b = Image::uninitialised(w, h, 1);
    fuselab::parallelFor(0, h, 32, [&](int y0, int y1) {
        for (int y = y0; y < y1; ++y) {
            const float* mI = m_meanGuide.row(y);
            const float* vI = m_varianceGuide.row(y);
            const float* mp = meanInput.row(y);
            const float* mIp = meanProduct.row(y);
            float* pa = a.row(y);
            float* pb = b.row(y);
            for (int x = 0; x < w; ++x) {
                const double covariance = double(mIp[x]) - double(mI[x]) * double(mp[x]);
                const double slope = covariance / (double(vI[x]) + m_epsilon);
                pa[x] = float(slope);
                pb[x] = float(double(mp[x]) - slope * double(mI[x]));
            }
        }
    });
    const Image meanA = boxMean(a, m_radiusPx);
    const Image meanB = boxMean(b, m_radiusPx);
    Image out = Image::uninitialised(w, h, 1);
    fuselab::parallelFor(0, h, 32, [&](int y0, int y1) {
        for (int y = y0; y < y1; ++y) {
            const float* g = m_guide.row(y);
            const float* ma = meanA.row(y);
            const float* mb = meanB.row(y);
            float* dst = out.row(y);
            for (int x = 0; x < w; ++x) dst[x] = ma[x] * g[x] + mb[x];
        }
    });
    return out;
}

} // namespace gff
