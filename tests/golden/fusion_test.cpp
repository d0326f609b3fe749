// Pyramids and exposure fusion: exact identities, hand-computed values, OpenCV parity.
#include "opencv_reference.hpp"
#include "test_support.hpp"

#include "../../core/src/fusion/dispatch.hpp"

#include "fuselab/base/colour.hpp"
#include "fuselab/base/error.hpp"
#include "fuselab/fusion_operators.hpp"
#include "fuselab/mertens.hpp"
#include "fuselab/pyramid.hpp"
#include "fuselab/stack_io.hpp"
#include "fuselab/base/synthetic.hpp"

#include <opencv2/imgproc.hpp>
#include <opencv2/photo.hpp>

#include <cmath>

using namespace fuselab;
using namespace fuselab::test;

namespace {

ExposureStack syntheticStack(int w, int h, std::vector<double> stops, std::uint64_t seed = 1, int bits = 8, bool noise = false)
{
    const Image scene = makeSyntheticScene({"interior", w, h, seed});
    ExposureSimulation sim;
    sim.stops = std::move(stops);
    sim.exposureScale = autoExposureScale(scene);
    sim.bitDepth = bits;
    sim.noise.enabled = noise;
    ExposureStack stack;
    for (const SimulatedFrame& f : exposeScene(scene, sim)) {
        StackFrame frame;
        frame.path = "synthetic";
        frame.pixels = f.pixels;
        frame.exposure.stops = f.stops;
        stack.frames.push_back(frame);
    }
    return stack;
}

Image fuseFloat(const ExposureStack& stack, const MertensParams& p = {})
{
    NullProgress progress;
    return *fuseMertens(stack, p, FusionOptions{}, progress).fused.asFloat();
}

} // namespace

TEST(Pyramid, DownsampleMatchesAHandComputation)
{
    // Row [0 0 1 0 0], one pixel high (vertical taps all hit the same row, summing to 1).
    // Coarse x=0 centres on 0: taps at −2…2 mirror to samples 2,1,0,1,2 → (1·1 + 1·1)/16.
    // x=1 centres on 2: 6/16. x=2 centres on 4: samples 2,3,4,3,2 → 2/16.
    Image row(5, 1, 1);
    row.at(2, 0) = 1.0f;
    const Image down = pyramidDown(row);
    ASSERT_EQ(down.width(), 3);
    EXPECT_FLOAT_EQ(down.at(0, 0), 0.125f);
    EXPECT_FLOAT_EQ(down.at(1, 0), 0.375f);
    EXPECT_FLOAT_EQ(down.at(2, 0), 0.125f);
    // Up: even outputs (1 6 1)/8, odd outputs (1 1)/2 of the coarse samples [a b c].
    Image coarse(3, 1, 1);
    coarse.at(0, 0) = 1.0f;
    coarse.at(1, 0) = 2.0f;
    coarse.at(2, 0) = 4.0f;
    const Image up = pyramidUp(coarse, 5, 1);
    EXPECT_FLOAT_EQ(up.at(0, 0), (2.0f + 6.0f * 1.0f + 2.0f) / 8.0f); // mirrored neighbour b on both sides
    EXPECT_FLOAT_EQ(up.at(1, 0), 1.5f);
    EXPECT_FLOAT_EQ(up.at(2, 0), (1.0f + 12.0f + 4.0f) / 8.0f);
    EXPECT_FLOAT_EQ(up.at(3, 0), 3.0f);
    // The last sample of an odd fine row: OpenCV's pyrUp expands onto a 2n grid (mirrored
    // there) and crops, so the missing right neighbour is c itself: (b + 6c + c)/8.
    EXPECT_FLOAT_EQ(up.at(4, 0), (2.0f + 24.0f + 4.0f) / 8.0f);
}

TEST(Pyramid, MatchesOpenCvPyrDownAndPyrUpAtEverySizeParity)
{
    // OpenCV's pyramid is MergeMertens's: every level of a real photograph's pyramid has odd
    // and even sides, and a border rule that differs shifts whole coarse levels.
    for (const auto& [w, h] : {std::pair{37, 23}, {36, 24}, {5, 3}, {2, 7}, {1, 4}, {89, 45}}) {
        const Image fine = makePattern(w, h, 1, 7);
        cv::Mat m(h, w, CV_32F);
        for (int y = 0; y < h; ++y) std::copy(fine.row(y), fine.row(y) + w, m.ptr<float>(y));
        cv::Mat cvDown, cvUp;
        cv::pyrDown(m, cvDown, cv::Size((w + 1) / 2, (h + 1) / 2));
        cv::pyrUp(cvDown, cvUp, cv::Size(w, h));
        const Image down = pyramidDown(fine);
        const Image up = pyramidUp(down, w, h);
        ASSERT_EQ(down.width(), cvDown.cols);
        ASSERT_EQ(down.height(), cvDown.rows);
        double worst = 0.0;
        for (int y = 0; y < cvDown.rows; ++y)
            for (int x = 0; x < cvDown.cols; ++x) worst = std::max(worst, double(std::fabs(down.at(x, y) - cvDown.at<float>(y, x))));
        for (int y = 0; y < h; ++y)
            for (int x = 0; x < w; ++x) worst = std::max(worst, double(std::fabs(up.at(x, y) - cvUp.at<float>(y, x))));
        EXPECT_LT(worst, 1e-6) << w << "x" << h; // float rounding only
    }
}

TEST(Mertens, LevelsAsMergeMertens)
{
    // floor(log2(short side)) + 1, OpenCV's count: one more than "coarsest ≥ 2 px" at powers of two.
    EXPECT_EQ(mertensPyramidLevels(536, 356), 9);
    EXPECT_EQ(mertensPyramidLevels(1080, 720), 10);
    EXPECT_EQ(mertensPyramidLevels(4000, 3000), 12);
    EXPECT_EQ(mertensPyramidLevels(512, 256), 9);
    EXPECT_EQ(mertensPyramidLevels(3, 1), 1);
    EXPECT_EQ(mertensPyramidLevels(2, 2), 2);
}

TEST(Pyramid, ConstantsStayConstant)
{
    Image flat(37, 23, 3);
    flat.fill(0.625f);
    for (const Image& level : gaussianPyramid(flat, autoPyramidLevels(37, 23)))
        for (int y = 0; y < level.height(); ++y)
            for (int x = 0; x < level.width() * 3; ++x) ASSERT_NEAR(level.row(y)[x], 0.625f, 1e-6f);
    const Image up = pyramidUp(pyramidDown(flat), 37, 23);
    for (int y = 0; y < 23; ++y)
        for (int x = 0; x < 37 * 3; ++x) ASSERT_NEAR(up.row(y)[x], 0.625f, 1e-6f);
}

TEST(Pyramid, CollapsingAnUnmodifiedLaplacianPyramidIsExact)
{
    for (auto [w, h, ch] : std::vector<std::tuple<int, int, int>>{{64, 48, 3}, {61, 37, 1}, {33, 70, 3}, {5, 3, 1}}) {
        const Image img = makePattern(w, h, ch, std::uint64_t(w));
        const int levels = autoPyramidLevels(w, h);
        const Image back = collapseLaplacianPyramid(laplacianPyramid(img, levels));
        // Each level adds back exactly what was subtracted; only float rounding remains.
        expectImagesClose(back, img, 1e-6, 0.0, 2e-6, "collapse_" + std::to_string(w));
    }
}

TEST(Pyramid, OneHotWeightsReproduceTheChosenImage)
{
    std::vector<Image> images, weights;
    for (int k = 0; k < 3; ++k) {
        images.push_back(makePattern(50, 41, 3, std::uint64_t(k + 1)));
        Image w(50, 41, 1);
        w.fill(k == 1 ? 1.0f : 0.0f);
        weights.push_back(w);
    }
    const Image blended = pyramidBlend(images, weights, autoPyramidLevels(50, 41));
    expectImagesClose(blended, images[1], 2e-6, 0.0, 5e-6, "onehot");
}

TEST(Mertens, IdenticalFramesFuseToThemselves)
{
    const ExposureStack one = syntheticStack(96, 64, {0.0});
    ExposureStack three;
    for (int k = 0; k < 3; ++k) three.frames.push_back(one.frames[0]);
    const Image fused = fuseFloat(three);
    const Image original = one.frames[0].pixels.toFloat();
    // Equal weights (each 1/3, stored in 16-bit fixed point): error ≤ 3 · 0.5/65535 per weight.
    expectImagesClose(fused, original, 3e-5, 0.0, 5e-5, "identical");
    // 8-bit output: every code reproduced.
    NullProgress p;
    FusionOptions o;
    o.outputType = FusedSampleType::U8;
    const Image8 fused8 = *fuseMertens(three, {}, o, p).fused.as8();
    const Image8& original8 = *one.frames[0].pixels.as8();
    for (int y = 0; y < 64; ++y)
        for (int x = 0; x < 96 * 3; ++x) ASSERT_EQ(fused8.row(y)[x], original8.row(y)[x]);
}

TEST(Mertens, IntegerOutputIsTheRoundedFloatOutput)
{
    const ExposureStack stack = syntheticStack(120, 80, {-2.0, 0.0, 2.0});
    const Image f = fuseFloat(stack);
    NullProgress p;
    FusionOptions o;
    o.outputType = FusedSampleType::U16;
    const Image16 q = *fuseMertens(stack, {}, o, p).fused.as16();
    for (int y = 0; y < 80; ++y)
        for (int x = 0; x < 120 * 3; ++x) {
            const float v = std::min(std::max(f.row(y)[x], 0.0f), 1.0f);
            // The 16-bit path keeps level 1 in 16-bit fixed point: within one code.
            ASSERT_NEAR(double(q.row(y)[x]), double(v) * 65535.0, 1.01);
        }
}

TEST(Mertens, WeightMapsAreNormalised)
{
    const ExposureStack stack = syntheticStack(64, 48, {-3.0, 0.0, 3.0});
    NullProgress p;
    FusionOptions o;
    o.keepWeightMaps = true;
    const FusionResult r = fuseMertens(stack, {}, o, p);
    ASSERT_EQ(r.weightMaps.size(), 3u);
    for (int y = 0; y < 48; ++y)
        for (int x = 0; x < 64; ++x) {
            float sum = 0.0f;
            for (const Image& w : r.weightMaps) {
                EXPECT_GE(w.at(x, y), 0.0f);
                sum += w.at(x, y);
            }
            ASSERT_NEAR(sum, 1.0f, 3.0f * 0.5f / 65535.0f + 1e-7f);
        }
    // The darkest frame wins inside the window (it is the only one not clipped there), the
    // brightest in the deep shadow under the table.
    const int wx = 48, wy = 8;   // inside the window of the 64×48 interior scene
    EXPECT_GT(r.weightMaps[0].at(wx, wy), r.weightMaps[2].at(wx, wy));
}

TEST(Mertens, FullMotionMaskSelectsTheReference)
{
    const ExposureStack stack = syntheticStack(80, 60, {-2.0, 0.0, 2.0});
    MotionMask motion;
    motion.mask = Image(80, 60, 1);
    motion.mask.fill(1.0f);
    motion.referenceIndex = 1;
    NullProgress p;
    FusionOptions o;
    o.motion = &motion;
    const Image fused = *fuseMertens(stack, {}, o, p).fused.asFloat();
    expectImagesClose(fused, stack.frames[1].pixels.toFloat(), 2e-5, 0.0, 5e-5, "motion_reference");
}

TEST(Mertens, CloseToOpenCvMergeMertens)
{
    // Where a region is exactly flat in every frame the paper's weights are all the 1e-12
    // epsilon and OpenCV's choice there follows float rounding noise, ours the
    // well-exposedness (quality_floor). So: sensor noise on, and exposures from −14 stops so
    // that even the sun is unclipped in one frame — no region is flat in every frame.
    const ExposureStack stack = syntheticStack(320, 240, {-14.0, -9.5, -5.0, -0.5, 4.0}, 3, 8, true);
    const Image ref = mergeMertensReference(stack);
    MertensParams paper;
    paper.qualityFloor = 0.0; // the paper's exact measures, as OpenCV
    const Image ours = fuseFloat(stack, paper);
    const CompareResult r = compareImages(ours, ref, 0.02, 0.001, 0.25);
    // Same measures, kernel, borders and level count. What remains: pixels where a measure is
    // exactly 0 in a frame (neutral R=G=B codes give S = 0; black-clipped frames C = 0) are
    // decided by rounding noise in OpenCV's float pipeline and exactly in ours, and we keep
    // level-0 weights and level-1 images in 16 bits. Measured: 42.3 dB, 0.017 % of pixels off
    // by more than 0.02, worst 0.17. Bound: > 40 dB, ≤ 0.1 % beyond 0.02, none beyond 0.25.
    EXPECT_GT(r.psnrDb, 40.0) << r.report();
    EXPECT_TRUE(r.passed) << r.report();
}

TEST(Mertens, BaselineAndAvx2KernelsAgree)
{
    const ExposureStack stack = syntheticStack(200, 150, {-2.0, 0.0, 2.0}, 4);
    NullProgress p;
    const Image base = *isa_base::fuseMertensImpl(stack, {}, FusionOptions{}, p).fused.asFloat();
#ifdef FUSELAB_HAVE_ISA_V3
    if (!useIsaV3()) GTEST_SKIP() << "this CPU has no x86-64-v3 (AVX2/FMA)";
    const Image v3 = *isa_v3::fuseMertensImpl(stack, {}, FusionOptions{}, p).fused.asFloat();
    // FMA contraction changes rounding only.
    // FMA contraction changes rounding only: within 1e-4 everywhere (below half an 8-bit step
    // by a factor of 20).
    expectImagesClose(v3, base, 1e-4, 0.0, 1e-4, "isa_equivalence");
#else
    GTEST_SKIP() << "built without the x86-64-v3 kernels";
#endif
}

TEST(Mertens, ClippedHighlightsStayTheBrightest)
{
    // The interior scene's sun is clipped in every frame: its core must come out at least as
    // bright as anything that is not clipped everywhere (no dark cores or halos).
    const ExposureStack stack = syntheticStack(320, 240, {-4.0, -2.0, 0.0, 2.0}, 1);
    const Image fused = fuseFloat(stack);
    float coreMin = 2.0f, restMax = 0.0f;
    int coreCount = 0;
    for (int y = 0; y < 240; ++y)
        for (int x = 0; x < 320; ++x) {
            bool clippedEverywhere = true;
            for (const StackFrame& f : stack.frames)
                for (int c = 0; c < 3; ++c) clippedEverywhere &= f.pixels.as8()->at(x, y, c) >= 254;
            // Judged as displayed: fused values are clipped to [0,1] when written.
            auto shown = [&](int c) { return std::min(1.0f, fused.at(x, y, c)); };
            const float l = linearLuminance(shown(0), shown(1), shown(2));
            if (clippedEverywhere) {
                coreMin = std::min(coreMin, l);
                ++coreCount;
            } else {
                restMax = std::max(restMax, l);
            }
        }
    ASSERT_GT(coreCount, 20) << "the sun should be clipped in every frame";
    EXPECT_GE(coreMin, restMax - 2.0f / 255.0f) << "core " << coreMin << " vs brightest elsewhere " << restMax;
}

TEST(Mertens, SharedBracketsLampsStayBright)
{
    FUSELAB_REQUIRE_SHARED("brackets/meflut-1/0.jpg");
    StackLoadOptions o;
    o.evs = {2, 0, -2, -4};
    const ExposureStack proxy = makeProxyStack(loadStack({sharedFile("brackets/meflut-1")}, o).stack, 800);
    EXPECT_EQ(std::max(proxy.width(), proxy.height()), 800);
    const Image fused = fuseFloat(proxy);
    float coreMin = 2.0f, restMax = 0.0f;
    int coreCount = 0;
    for (int y = 0; y < proxy.height(); ++y)
        for (int x = 0; x < proxy.width(); ++x) {
            bool clipped = true;
            for (const StackFrame& f : proxy.frames)
                for (int c = 0; c < 3; ++c) clipped &= f.pixels.as8()->at(x, y, c) >= 250;
            auto shown = [&](int c) { return std::min(1.0f, fused.at(x, y, c)); };
            const float l = linearLuminance(shown(0), shown(1), shown(2));
            if (clipped) {
                coreMin = std::min(coreMin, l);
                ++coreCount;
            } else {
                restMax = std::max(restMax, l);
            }
        }
    ASSERT_GT(coreCount, 10) << "the lamps are clipped even in the darkest frame";
    EXPECT_GE(coreMin, restMax - 4.0f / 255.0f);
}

TEST(Mertens, OperatorAndEngineAgreeAndValidate)
{
    const ExposureStack stack = syntheticStack(48, 32, {-1.0, 1.0});
    ParamValues v = defaultValues(mertensParamSpecs());
    const MertensParams p = mertensParamsFromValues(v);
    EXPECT_EQ(p.sigma, 0.2);
    EXPECT_EQ(p.optimum, 0.5);
    EXPECT_EQ(p.contrastExponent, 1.0);
    MertensParams bad;
    bad.sigma = 0.0;
    NullProgress np;
    EXPECT_THROW(fuseMertens(stack, bad, {}, np), Error);
    ExposureStack mismatched = stack;
    mismatched.frames[1].pixels = SampleImage(Image8(40, 32, 3));
    EXPECT_THROW(fuseMertens(mismatched, {}, {}, np), Error);
}
