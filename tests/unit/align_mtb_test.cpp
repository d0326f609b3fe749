// Median threshold bitmap alignment, the valid border (crop / mark) and the default
// reference, against stacks whose shifts are known exactly.
#include "synthetic_stack.hpp"
#include "test_support.hpp"

#include "fuselab/align.hpp"
#include "fuselab/builtin_operators.hpp"
#include "fuselab/base/colour.hpp"
#include "fuselab/deghost.hpp"
#include "fuselab/base/error.hpp"
#include "fuselab/base/synthetic.hpp"

#include <algorithm>
#include <cmath>

using namespace fuselab;
using namespace fuselab::test;

namespace {

constexpr int kW = 480, kH = 360;

struct Shift {
    double dx, dy;
};

// Frames at −2, 0, +2 stops (two stops apart); frame k's content moved by shifts[k]
// (out(x, y) = scene(x − dx, y − dy)), the 0-stop frame is the reference.
ExposureStack shiftedStack(const std::vector<Shift>& shifts, bool noise, int bitDepth = 8, std::uint64_t seed = 3)
{
    const Image scene = makeSyntheticScene({"interior", kW, kH, seed});
    ExposureSimulation sim;
    sim.stops = {-2.0, 0.0, 2.0};
    sim.exposureScale = autoExposureScale(scene);
    sim.noise.enabled = noise;
    sim.bitDepth = bitDepth;
    sim.seed = seed;
    std::vector<Image> radiances;
    for (const Shift& s : shifts) radiances.push_back(shiftImage(scene, s.dx, s.dy));
    return stackOf(exposeEach(radiances, sim));
}

AlignmentResult alignMtb(const ExposureStack& stack, InvalidBorder border = InvalidBorder::Crop, int maxShiftPx = 64)
{
    AlignParams p;
    p.method = AlignMethod::Mtb;
    p.border = border;
    p.maxShiftPx = maxShiftPx;
    NullProgress progress;
    return alignStack(stack, p, progress);
}

} // namespace

TEST(AlignMtb, RecoversWholePixelShiftsExactlyAcrossTwoStopSteps)
{
    const std::vector<Shift> shifts = {{5, -3}, {0, 0}, {-12, 7}};
    for (bool noise : {false, true}) {
        const AlignmentResult r = alignMtb(shiftedStack(shifts, noise));
        ASSERT_EQ(r.referenceIndex, 1);
        for (std::size_t k = 0; k < shifts.size(); ++k) {
            EXPECT_EQ(r.transforms[k].dxPx, shifts[k].dx) << "frame " << k << " noise " << noise;
            EXPECT_EQ(r.transforms[k].dyPx, shifts[k].dy) << "frame " << k << " noise " << noise;
            EXPECT_EQ(r.transforms[k].rotationDeg, 0.0);
        }
    }
}

TEST(AlignMtb, ReachesLargeShiftsThroughThePyramidAndSixteenBitFrames)
{
    // 6 levels reach 2^6 − 1 = 63 px; (−41, 29) needs the coarse levels.
    const std::vector<Shift> shifts = {{-41, 29}, {0, 0}, {17, -38}};
    const AlignmentResult r = alignMtb(shiftedStack(shifts, true, 16, 5));
    for (std::size_t k = 0; k < shifts.size(); ++k) {
        EXPECT_EQ(r.transforms[k].dxPx, shifts[k].dx) << "frame " << k;
        EXPECT_EQ(r.transforms[k].dyPx, shifts[k].dy) << "frame " << k;
    }
    EXPECT_EQ(r.aligned.frames[0].pixels.bitDepth(), 16);
}

TEST(AlignMtb, LinearFloatFramesAlignLikeTheirCodes)
{
    // HDR-style frames (linear float, e.g. from EXR) are sRGB-encoded for the bitmaps.
    const std::vector<Shift> shifts = {{5, -3}, {0, 0}, {-12, 7}};
    ExposureStack stack = shiftedStack(shifts, true);
    for (StackFrame& f : stack.frames) {
        Image linear = f.pixels.toFloat();
        convertEncoding(linear, ColourEncoding::Linear);
        f.pixels = SampleImage(linear);
    }
    const AlignmentResult r = alignMtb(stack, InvalidBorder::Mark);
    for (std::size_t k = 0; k < shifts.size(); ++k) {
        EXPECT_EQ(r.transforms[k].dxPx, shifts[k].dx) << "frame " << k;
        EXPECT_EQ(r.transforms[k].dyPx, shifts[k].dy) << "frame " << k;
    }
    ASSERT_TRUE(r.aligned.frames[0].pixels.isFloat());
    // Mark shifts whole pixels by copying: the values are the frame's own, edge-replicated.
    const Image& in = *stack.frames[2].pixels.asFloat();
    EXPECT_EQ(r.aligned.frames[2].pixels.asFloat()->at(100, 100, 1), in.at(100 - 12, 100 + 7, 1));
    EXPECT_EQ(r.aligned.frames[2].pixels.asFloat()->at(5, kH - 1, 0), in.at(0, kH - 1, 0));
}

TEST(AlignMtb, SubPixelShiftsComeBackWithinOnePixel)
{
    // exposeScene's own misalignment: uniform in ±6.5 px per axis, bilinear.
    const Image scene = makeSyntheticScene({"interior", kW, kH, 7});
    for (std::uint64_t seed : {1u, 2u, 3u}) {
        ExposureSimulation sim;
        sim.stops = {-2.0, 0.0, 2.0};
        sim.exposureScale = autoExposureScale(scene);
        sim.noise.enabled = true;
        sim.misalignPx = 6.5;
        sim.seed = seed;
        const std::vector<SimulatedFrame> frames = exposeScene(scene, sim);
        const AlignmentResult r = alignMtb(stackOf(frames));
        for (std::size_t k = 0; k < frames.size(); ++k) {
            EXPECT_LE(std::fabs(r.transforms[k].dxPx - frames[k].shiftXPx), 1.0) << "seed " << seed << " frame " << k;
            EXPECT_LE(std::fabs(r.transforms[k].dyPx - frames[k].shiftYPx), 1.0) << "seed " << seed << " frame " << k;
        }
    }
}

TEST(AlignMtb, MaxShiftLimitsTheSearch)
{
    const AlignmentResult r = alignMtb(shiftedStack({{20, 0}, {0, 0}, {-3, 2}}, false), InvalidBorder::Crop, 8);
    EXPECT_LE(std::fabs(r.transforms[0].dxPx), 8.0);
    EXPECT_EQ(r.transforms[2].dxPx, -3.0);
    EXPECT_EQ(r.transforms[2].dyPx, 2.0);
    const AlignmentResult none = alignMtb(shiftedStack({{4, 1}, {0, 0}, {-3, 2}}, false), InvalidBorder::Crop, 0);
    for (const FrameTransform& t : none.transforms) EXPECT_EQ(t.dxPx, 0.0);
}

// Frame k holds reference content (x, y) at (x + dx_k, y + dy_k); it has data there when
// 0 ≤ x + dx_k ≤ W − 1. With dx = {5, 0, −12}: x ≥ max(0, −5, 12) = 12 and
// x ≤ min(W − 1 − 5, W − 1, W − 1 + 12) = W − 6, so x0 = 12, width = W − 17;
// with dy = {−3, 0, 7}: y ≥ max(3, 0, −7) = 3, y ≤ min(H − 1 + 3, H − 1, H − 8) = H − 8,
// so y0 = 3, height = H − 10.
TEST(AlignMtb, CropKeepsExactlyTheRectangleEveryFrameCovers)
{
    const std::vector<Shift> shifts = {{5, -3}, {0, 0}, {-12, 7}};
    const ExposureStack stack = shiftedStack(shifts, false);
    const AlignmentResult r = alignMtb(stack);
    EXPECT_EQ(r.validRect.x, 12);
    EXPECT_EQ(r.validRect.y, 3);
    EXPECT_EQ(r.validRect.width, kW - 17);
    EXPECT_EQ(r.validRect.height, kH - 10);
    EXPECT_TRUE(r.validMask.empty());
    for (std::size_t k = 0; k < stack.size(); ++k) {
        const Image8& in = *stack.frames[k].pixels.as8();
        const Image8& out = *r.aligned.frames[k].pixels.as8();
        ASSERT_EQ(out.width(), kW - 17);
        ASSERT_EQ(out.height(), kH - 10);
        const int dx = int(shifts[k].dx), dy = int(shifts[k].dy);
        for (int y = 0; y < out.height(); ++y)
            for (int x = 0; x < out.width(); ++x)
                for (int c = 0; c < 3; ++c)
                    ASSERT_EQ(out.at(x, y, c), in.at(x + 12 + dx, y + 3 + dy, c)) << "frame " << k << " at " << x << "," << y;
    }
    // Whole-pixel crops share the input's pixels instead of copying them.
    EXPECT_TRUE(r.aligned.frames[0].pixels.as8()->sharesStorageWith(*stack.frames[0].pixels.as8()));
}

TEST(AlignMtb, MarkKeepsSizesAndZeroesTheMaskExactlyWhereAFrameHasNoData)
{
    const std::vector<Shift> shifts = {{5, -3}, {0, 0}, {-12, 7}};
    const ExposureStack stack = shiftedStack(shifts, false);
    const AlignmentResult r = alignMtb(stack, InvalidBorder::Mark);
    ASSERT_EQ(r.validMask.width(), kW);
    ASSERT_EQ(r.validMask.height(), kH);
    ASSERT_EQ(r.validMask.channels(), 1);
    long zeros = 0;
    for (int y = 0; y < kH; ++y)
        for (int x = 0; x < kW; ++x) {
            bool covered = true;
            for (const Shift& s : shifts)
                covered = covered && x + s.dx >= 0 && x + s.dx <= kW - 1 && y + s.dy >= 0 && y + s.dy <= kH - 1;
            ASSERT_EQ(r.validMask.at(x, y), covered ? 1.0f : 0.0f) << x << "," << y;
            zeros += !covered;
        }
    EXPECT_EQ(zeros, long(kW) * kH - long(kW - 17) * (kH - 10));
    for (std::size_t k = 0; k < stack.size(); ++k) {
        const Image8& in = *stack.frames[k].pixels.as8();
        const Image8& out = *r.aligned.frames[k].pixels.as8();
        ASSERT_EQ(out.width(), kW);
        for (int y = 0; y < kH; y += 7)
            for (int x = 0; x < kW; ++x) {
                const int sx = std::clamp(x + int(shifts[k].dx), 0, kW - 1), sy = std::clamp(y + int(shifts[k].dy), 0, kH - 1);
                ASSERT_EQ(out.at(x, y, 1), in.at(sx, sy, 1)) << "frame " << k << " (edge-replicated) at " << x << "," << y;
            }
    }
}

TEST(AlignMtb, NoneKeepsTheStackAndRefusesBadReferences)
{
    const ExposureStack stack = shiftedStack({{5, -3}, {0, 0}, {-12, 7}}, false);
    AlignParams p;
    p.method = AlignMethod::None;
    NullProgress progress;
    const AlignmentResult r = alignStack(stack, p, progress);
    EXPECT_EQ(r.validRect.width, kW);
    EXPECT_EQ(r.validRect.height, kH);
    EXPECT_EQ(r.transforms[0].dxPx, 0.0);
    p.referenceIndex = 3;
    EXPECT_THROW(alignStack(stack, p, progress), Error);
    EXPECT_EQ(alignMethodFromString("homography"), AlignMethod::Homography);
    EXPECT_EQ(toString(AlignMethod::Mtb), "mtb");
    EXPECT_THROW(alignMethodFromString("sift"), Error);
}

TEST(AlignMtb, OperatorReportsShiftsAndAlignedFrames)
{
    const ExposureStack stack = shiftedStack({{5, -3}, {0, 0}, {-12, 7}}, false);
    OperatorRegistry registry;
    registerBuiltinOperators(registry);
    OperatorInput in;
    in.stack = &stack;
    NullProgress progress;
    const OperatorOutput out = runOperator(registry.get("align-mtb"), in, {}, progress);
    EXPECT_EQ(out.scalars.at("dx_0"), 5.0);
    EXPECT_EQ(out.scalars.at("dy_0"), -3.0);
    EXPECT_EQ(out.scalars.at("dx_2"), -12.0);
    EXPECT_EQ(out.scalars.at("dy_2"), 7.0);
    EXPECT_EQ(out.scalars.at("rotation_deg_1"), 0.0);
    EXPECT_EQ(out.image.width(), kW - 17);
    ASSERT_EQ(out.extras.size(), 3u);
    EXPECT_EQ(out.extras[2].name, "aligned_2");
    // The reference image is the aligned reference frame, as floats in [0,1].
    EXPECT_FLOAT_EQ(out.image.at(0, 0, 0), stack.frames[1].pixels.as8()->at(12, 3, 0) / 255.0f);
}

TEST(DefaultReference, IsTheMedianExposureInAnyOrder)
{
    const Image scene = makeSyntheticScene({"interior", 64, 48, 1});
    ExposureSimulation sim;
    sim.exposureScale = autoExposureScale(scene);
    sim.stops = {2.0, -4.0, 0.0, -2.0}; // sorted: −4 (1), −2 (3), 0 (2), +2 (0): lower middle −2
    ExposureStack even = stackOf(exposeScene(scene, sim));
    EXPECT_EQ(defaultReferenceIndex(even), 3);
    sim.stops = {0.0, 4.0, -2.0, 2.0, -4.0}; // median 0 stops, index 0
    ExposureStack odd = stackOf(exposeScene(scene, sim));
    EXPECT_EQ(defaultReferenceIndex(odd), 0);
    const std::vector<int> order = framesDarkestFirst(odd);
    EXPECT_EQ(order, (std::vector<int>{4, 2, 0, 3, 1}));
    // Without exposure data the frames are ranked by brightness: the same answers.
    for (ExposureStack* s : {&even, &odd})
        for (StackFrame& f : s->frames) {
            f.exposure.stops.reset();
            f.exposure.source = ExposureSource::None;
        }
    EXPECT_EQ(defaultReferenceIndex(even), 3);
    EXPECT_EQ(defaultReferenceIndex(odd), 0);
    EXPECT_THROW(defaultReferenceIndex(ExposureStack{}), Error);
}
