// The MEFB flavour of the fusion metrics (mefb_metrics.hpp) against values worked out by hand
// from the toolkit's MATLAB (metrics/metrics<Name>.m of github xingchenzhang/MEFB) on small
// arrays, and its identities.
#include "test_support.hpp"

#include "fuselab/mefb_metrics.hpp"

#include "fuselab/base/error.hpp"

#include <algorithm>
#include <cmath>

using namespace fuselab;

namespace {

Image plane(int w, int h, std::initializer_list<float> rowMajor)
{
    Image img(w, h, 1, ColourEncoding::Srgb);
    auto it = rowMajor.begin();
    for (int y = 0; y < h; ++y)
        for (int x = 0; x < w; ++x) img.at(x, y) = *it++;
    return img;
}

// The 3 × 3 example: A a single bright pixel, B flat with one bright corner, F a ramp.
const Image kA = plane(3, 3, {0, 0, 0, 0, 100, 0, 0, 0, 0});
const Image kB = plane(3, 3, {50, 50, 50, 50, 50, 50, 50, 50, 200});
const Image kF = plane(3, 3, {10, 20, 30, 40, 60, 60, 70, 80, 90});
// The 4 × 4 example for the single-image statistics.
const Image kG = plane(4, 4, {10, 20, 30, 40, 50, 60, 70, 80, 90, 100, 110, 120, 130, 140, 150, 255});

} // namespace

TEST(MefbMetrics, QabfByHandFromMetricsQabfM)
{
    // conv2 'same' Sobel (zero padding: the border sees strong artificial edges), atan, the
    // g_A = g_F branch giving g_F itself, orientation 1 − |Δα|/(π/2), Σ Q g / Σ g.
    EXPECT_NEAR(mefb::qabf(kF, {kA, kB}), 0.386389083, 1e-9);
    EXPECT_NEAR(mefb::qabf(kA, {kA, kB}), 0.701063126, 1e-9);
    // F equal to every source: the strength term saturates at Tg (the g_A = g_F branch on codes
    // × 255), so the maximum is 0.9994 · Qa(1) = 0.975332768, not 1.
    EXPECT_NEAR(mefb::qabf(kG, {kG, kG}), 0.9994 * 0.9879 / (1.0 + std::exp(-22.0 * (1.0 - 0.8))), 1e-12);
    EXPECT_NEAR(mefb::qabf(kG, {kG, kG}), 0.975332768, 1e-9);
    // No edge anywhere: MEFB's 0/0, recorded as 0.
    const Image flat = plane(3, 3, {0, 0, 0, 0, 0, 0, 0, 0, 0});
    EXPECT_EQ(mefb::qabf(flat, {flat, flat}), 0.0);
}

TEST(MefbMetrics, NmiByHandFromMetricsNmiM)
{
    // normalize1 stretches F to [0 32 64; 96 159 159; 191 223 255] (and A, B to 0…255) first.
    EXPECT_NEAR(mefb::nmi(kF, {kA, kB}), 0.454536821, 1e-9);
    // Identical images: 2 · (H/(2H) + H/(2H)) = 2.
    EXPECT_NEAR(mefb::nmi(kG, {kG, kG}), 2.0, 1e-12);
    // A constant non-zero image divides by 0 in normalize1: MEFB's code fails there.
    const Image grey = plane(3, 3, {7, 7, 7, 7, 7, 7, 7, 7, 7});
    EXPECT_TRUE(std::isnan(mefb::nmi(kF, {grey, kB})));
}

TEST(MefbMetrics, SingleImageStatisticsByHand)
{
    EXPECT_NEAR(mefb::entropy(kG), 4.0, 1e-12); // 16 distinct values, each 1/16
    EXPECT_NEAR(mefb::spatialFrequency(kG), 54.743721101, 1e-8); // both sums over M·N
    EXPECT_NEAR(mefb::standardDeviation(kG), 59.535145870, 1e-8); // population
    EXPECT_NEAR(mefb::averageGradient(kG), 67.972151646, 1e-8);   // MATLAB gradient, Σ over M·N / (M−1)(N−1)
}

TEST(MefbMetrics, VifOfAnImageAgainstItselfIsOneAndNoiseLowersIt)
{
    const Image pattern = test::makePattern(96, 90, 1, 3);
    Image codes(96, 90, 1, ColourEncoding::Srgb), noisy(96, 90, 1, ColourEncoding::Srgb);
    for (int y = 0; y < 90; ++y)
        for (int x = 0; x < 96; ++x) {
            codes.at(x, y) = std::round(pattern.at(x, y) * 255.0f);
            noisy.at(x, y) = std::clamp(codes.at(x, y) + float(((x * 7 + y * 13) % 9) - 4) * 6.0f, 0.0f, 255.0f);
        }
    // g = 1 and sv clamped to 1e-10: VID equals VIND up to 1e-10/σn², so every scale gives 1.
    EXPECT_NEAR(mefb::vif(codes, {codes, codes}), 1.0, 1e-9);
    const double degraded = mefb::vif(noisy, {codes, codes});
    EXPECT_LT(degraded, 0.9);
    EXPECT_GT(degraded, 0.0);
    // Below 81 px per side the coarsest scale is empty (MATLAB would give NaN): refused.
    EXPECT_THROW(mefb::vif(plane(3, 3, {1, 2, 3, 4, 5, 6, 7, 8, 9}), {kA}), Error);
}

namespace {

// metricsVIF.m transcribed literally (2-D fspecial kernel, 2-D filter2 'valid', the clamps in
// their order, the per-pixel selection), independent of the library's separable version.
using Matrix = std::vector<std::vector<double>>;

Matrix fromImage(const Image& img)
{
    Matrix m(std::size_t(img.height()), std::vector<double>(std::size_t(img.width())));
    for (int y = 0; y < img.height(); ++y)
        for (int x = 0; x < img.width(); ++x) m[std::size_t(y)][std::size_t(x)] = img.at(x, y);
    return m;
}

Matrix fspecialGaussian(int n, double sigma)
{
    Matrix k(static_cast<std::size_t>(n), std::vector<double>(static_cast<std::size_t>(n)));
    double sum = 0.0;
    const double c = (n - 1) / 2.0;
    for (int i = 0; i < n; ++i)
        for (int j = 0; j < n; ++j) sum += k[std::size_t(i)][std::size_t(j)] = std::exp(-((i - c) * (i - c) + (j - c) * (j - c)) / (2 * sigma * sigma));
    for (auto& row : k)
        for (double& v : row) v /= sum;
    return k;
}

Matrix filter2Valid(const Matrix& k, const Matrix& a)
{
    const std::size_t n = k.size();
    if (a.size() < n || a[0].size() < n) return {};
    Matrix out(a.size() - n + 1, std::vector<double>(a[0].size() - n + 1, 0.0));
    for (std::size_t y = 0; y < out.size(); ++y)
        for (std::size_t x = 0; x < out[0].size(); ++x)
            for (std::size_t i = 0; i < n; ++i)
                for (std::size_t j = 0; j < n; ++j) out[y][x] += k[i][j] * a[y + i][x + j];
    return out;
}

Matrix everyOther(const Matrix& a)
{
    Matrix out;
    for (std::size_t y = 0; y < a.size(); y += 2) {
        out.emplace_back();
        for (std::size_t x = 0; x < a[0].size(); x += 2) out.back().push_back(a[y][x]);
    }
    return out;
}

struct Maps {
    std::vector<Matrix> g, vid, vind;
};

Maps comVidVindG(Matrix ref, Matrix dist, double sq)
{
    Maps m;
    for (int scale = 1; scale <= 4; ++scale) {
        const int n = (1 << (4 - scale + 1)) + 1;
        const Matrix win = fspecialGaussian(n, n / 5.0);
        if (scale > 1) {
            ref = everyOther(filter2Valid(win, ref));
            dist = everyOther(filter2Valid(win, dist));
        }
        auto prod = [](const Matrix& a, const Matrix& b) {
            Matrix o = a;
            for (std::size_t y = 0; y < a.size(); ++y)
                for (std::size_t x = 0; x < a[0].size(); ++x) o[y][x] = a[y][x] * b[y][x];
            return o;
        };
        const Matrix mu1 = filter2Valid(win, ref), mu2 = filter2Valid(win, dist);
        const Matrix e11 = filter2Valid(win, prod(ref, ref)), e22 = filter2Valid(win, prod(dist, dist)), e12 = filter2Valid(win, prod(ref, dist));
        Matrix g = mu1, vid = mu1, vind = mu1;
        for (std::size_t y = 0; y < mu1.size(); ++y)
            for (std::size_t x = 0; x < mu1[0].size(); ++x) {
                double s1 = e11[y][x] - mu1[y][x] * mu1[y][x], s2 = e22[y][x] - mu2[y][x] * mu2[y][x];
                const double s12 = e12[y][x] - mu1[y][x] * mu2[y][x];
                s1 = s1 < 0 ? 0 : s1;
                s2 = s2 < 0 ? 0 : s2;
                double gg = s12 / (s1 + 1e-10), sv = s2 - gg * s12;
                if (s1 < 1e-10) { gg = 0; sv = s2; s1 = 0; }
                if (s2 < 1e-10) { gg = 0; sv = 0; }
                if (gg < 0) { sv = s2; gg = 0; }
                if (sv <= 1e-10) sv = 1e-10;
                g[y][x] = gg;
                vid[y][x] = std::log10(1 + gg * gg * s1 / (sv + sq));
                vind[y][x] = std::log10(1 + s1 / sq);
            }
        m.g.push_back(g);
        m.vid.push_back(vid);
        m.vind.push_back(vind);
    }
    return m;
}

double vifTranscribed(const Image& a, const Image& b, const Image& f)
{
    const double sq = 0.005 * 255 * 255, c = 1e-7;
    const double p[4] = {1 / 2.15, 0, 0.15 / 2.15, 1 / 2.15};
    const Maps ma = comVidVindG(fromImage(a), fromImage(f), sq), mb = comVidVindG(fromImage(b), fromImage(f), sq);
    double out = 0.0;
    for (int s = 0; s < 4; ++s) {
        double num = 0, den = 0;
        for (std::size_t y = 0; y < ma.g[std::size_t(s)].size(); ++y)
            for (std::size_t x = 0; x < ma.g[std::size_t(s)][0].size(); ++x) {
                const bool takeA = ma.g[std::size_t(s)][y][x] < mb.g[std::size_t(s)][y][x];
                num += (takeA ? ma.vid : mb.vid)[std::size_t(s)][y][x] + c;
                den += (takeA ? ma.vind : mb.vind)[std::size_t(s)][y][x] + c;
            }
        out += p[s] * num / den;
    }
    return out;
}

} // namespace

TEST(MefbMetrics, VifAgreesWithALiteralTranscriptionOfMetricsVifM)
{
    // Two sources (a dark and a bright rendering of one pattern) and a fused blend with noise:
    // the library's separable filtering must give metricsVIF.m's number.
    const Image pattern = test::makePattern(90, 85, 1, 5);
    Image a(90, 85, 1, ColourEncoding::Srgb), b(90, 85, 1, ColourEncoding::Srgb), f(90, 85, 1, ColourEncoding::Srgb);
    for (int y = 0; y < 85; ++y)
        for (int x = 0; x < 90; ++x) {
            const float v = pattern.at(x, y);
            a.at(x, y) = std::round(std::clamp(v * 0.5f, 0.0f, 1.0f) * 255.0f);
            b.at(x, y) = std::round(std::clamp(v * 1.6f, 0.0f, 1.0f) * 255.0f);
            f.at(x, y) = std::round(std::clamp(v * 0.9f + float((x * 31 + y * 17) % 11 - 5) / 255.0f, 0.0f, 1.0f) * 255.0f);
        }
    const double expected = vifTranscribed(a, b, f);
    EXPECT_NEAR(mefb::vif(f, {a, b}), expected, 1e-9 * std::max(1.0, std::fabs(expected)));
    EXPECT_GT(expected, 0.1);
}
