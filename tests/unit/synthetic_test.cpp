#include "fuselab/base/colour.hpp"
#include "fuselab/base/error.hpp"
#include "fuselab/base/synthetic.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

using namespace fuselab;

TEST(Synthetic, InteriorSceneSpansMoreThanFiveDecades)
{
    const Image scene = makeSyntheticScene({"interior", 320, 240, 1});
    float lo = 1e30f, hi = 0.0f;
    for (int y = 0; y < scene.height(); ++y)
        for (int x = 0; x < scene.width(); ++x) {
            const float l = linearLuminance(scene.at(x, y, 0), scene.at(x, y, 1), scene.at(x, y, 2));
            ASSERT_TRUE(std::isfinite(l));
            ASSERT_GT(l, 0.0f);
            lo = std::min(lo, l);
            hi = std::max(hi, l);
        }
    EXPECT_GE(hi / lo, 1e5f);
}

TEST(Synthetic, IsDeterministicPerSeedAndVariesAcrossSeeds)
{
    const Image a = makeSyntheticScene({"interior", 64, 48, 5});
    const Image b = makeSyntheticScene({"interior", 64, 48, 5});
    const Image c = makeSyntheticScene({"interior", 64, 48, 6});
    int differing = 0;
    for (int y = 0; y < 48; ++y)
        for (int x = 0; x < 64; ++x)
            for (int ch = 0; ch < 3; ++ch) {
                ASSERT_EQ(a.at(x, y, ch), b.at(x, y, ch));
                differing += a.at(x, y, ch) != c.at(x, y, ch);
            }
    EXPECT_GT(differing, 64 * 48 / 4);
    EXPECT_THROW(makeSyntheticScene({"nosuchscene", 64, 48, 1}), Error);
    EXPECT_THROW(makeSyntheticScene({"interior", 4, 48, 1}), Error);
}

// Exposing a known radiance through a known curve reproduces every pixel value:
// code = round(f(clip(E · 2^s · k, 0, 1)) · 255).
TEST(Synthetic, ExposureReproducesThePixelValues)
{
    const Image radiance = makeSyntheticScene({"ramp", 200, 40, 1});
    for (const CameraResponse& response : {CameraResponse::srgb(), CameraResponse::gamma(2.2), CameraResponse::sCurve()}) {
        ExposureSimulation sim;
        sim.stops = {-2.0, 0.0, 3.0};
        sim.exposureScale = 0.05;
        sim.response = response;
        const auto frames = exposeScene(radiance, sim);
        ASSERT_EQ(frames.size(), 3u);
        for (std::size_t k = 0; k < frames.size(); ++k) {
            const Image8& px = *frames[k].pixels.as8();
            const double gain = std::exp2(sim.stops[k]) * sim.exposureScale;
            for (int y = 0; y < 40; y += 3)
                for (int x = 0; x < 200; ++x)
                    for (int c = 0; c < 3; ++c) {
                        const double v = response.apply(std::clamp(double(radiance.at(x, y, c)) * gain, 0.0, 1.0), c);
                        ASSERT_EQ(int(px.at(x, y, c)), int(std::lround(v * 255.0))) << response.name() << " frame " << k;
                    }
        }
    }
}

// With a linear response and 16-bit codes, shot + read noise gives a per-pixel variance of
// (X·W + r²)/W² in exposure units (W = full well, r = read noise): Poisson variance equals
// its mean in electrons.
TEST(Synthetic, NoiseStatisticsMatchTheirParameters)
{
    Image flat(256, 256, 1, ColourEncoding::Linear);
    const double exposureX = 0.25;
    flat.fill(float(exposureX));
    ExposureSimulation sim;
    sim.stops = {0.0};
    sim.exposureScale = 1.0;
    sim.response = CameraResponse::linear();
    sim.bitDepth = 16;
    sim.noise.enabled = true;
    sim.noise.fullWellElectrons = 5000.0;
    sim.noise.readNoiseElectrons = 20.0;
    sim.seed = 11;
    const auto frames = exposeScene(flat, sim);
    const Image8* none = frames[0].pixels.as8();
    EXPECT_EQ(none, nullptr);
    const Image16& px = *frames[0].pixels.as16();
    double sum = 0, sum2 = 0;
    const int n = 256 * 256;
    for (int y = 0; y < 256; ++y)
        for (int x = 0; x < 256; ++x) {
            const double v = px.at(x, y) / 65535.0;
            sum += v;
            sum2 += v * v;
        }
    const double mean = sum / n, var = sum2 / n - mean * mean;
    const double W = sim.noise.fullWellElectrons, r = sim.noise.readNoiseElectrons;
    const double expectedVar = (exposureX * W + r * r) / (W * W);
    EXPECT_NEAR(mean, exposureX, 3.0 * std::sqrt(expectedVar / n) + 1e-5);
    // The sample variance of n draws has relative standard error sqrt(2/n) ≈ 0.55 %.
    EXPECT_NEAR(var / expectedVar, 1.0, 0.03);
}

TEST(Synthetic, MisalignmentShiftsAllButTheMedianFrame)
{
    const Image radiance = makeSyntheticScene({"interior", 96, 64, 2});
    ExposureSimulation sim;
    sim.stops = {-2.0, 0.0, 2.0};
    sim.misalignPx = 3.0;
    const auto frames = exposeScene(radiance, sim);
    EXPECT_EQ(frames[1].shiftXPx, 0.0);
    EXPECT_EQ(frames[1].shiftYPx, 0.0);
    for (int k : {0, 2}) {
        EXPECT_LE(std::fabs(frames[std::size_t(k)].shiftXPx), 3.0);
        EXPECT_GT(std::fabs(frames[std::size_t(k)].shiftXPx) + std::fabs(frames[std::size_t(k)].shiftYPx), 0.0);
    }
}

TEST(Synthetic, ShiftImageMovesContentByWholePixels)
{
    Image img(10, 6, 1);
    img.at(4, 2) = 1.0f;
    const Image moved = shiftImage(img, 3.0, 1.0);
    EXPECT_FLOAT_EQ(moved.at(7, 3), 1.0f);
    EXPECT_FLOAT_EQ(moved.at(4, 2), 0.0f);
    const Image half = shiftImage(img, 0.5, 0.0);
    EXPECT_FLOAT_EQ(half.at(4, 2), 0.5f);
    EXPECT_FLOAT_EQ(half.at(5, 2), 0.5f);
}
