// The MEFB flavour of the fusion metrics (mefb_metrics.hpp) against values worked out by hand
// from the toolkit's MATLAB (metrics/metrics<Name>.m of github xingchenzhang/MEFB) on small
// arrays, and its identities.
#include "test_support.hpp"

#include "fuselab/mefb_metrics.hpp"

#include "fuselab/error.hpp"

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
