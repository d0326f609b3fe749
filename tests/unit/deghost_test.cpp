// Motion detection (SPEC §1b) on synthetic stacks where a bright square moves between
// frames: pasted into the radiance at a different place before each frame is exposed.
#include "synthetic_stack.hpp"
#include "test_support.hpp"

#include "fuselab/builtin_operators.hpp"
#include "fuselab/deghost.hpp"
#include "fuselab/base/error.hpp"
#include "fuselab/io.hpp"
#include "fuselab/base/synthetic.hpp"

#include <algorithm>
#include <cmath>
#include <cstdlib>

using namespace fuselab;
using namespace fuselab::test;

namespace {

constexpr int kW = 512, kH = 384;

// Top-left corners of a square object, one per frame.
struct Placement {
    int x, y;
};

struct MovingScene {
    ExposureStack stack;
    std::vector<Placement> where;
    int sidePx = 0;
    double exposureScale = 0.0;
};

// Interior scene; the object's radiance is objectGain × the scene's median, with a mild
// texture so it is an object rather than a flat hole. Exposure puts the median at 0.09
// (one stop under the usual 0.18), so the wall stays below clipping at +2 stops.
MovingScene movingSquare(const std::vector<double>& stops, const std::vector<Placement>& where, int sidePx, bool noise,
                         double objectGain = 5.0, std::uint64_t seed = 4, int bitDepth = 8)
{
    MovingScene m;
    m.where = where;
    m.sidePx = sidePx;
    const Image scene = makeSyntheticScene({"interior", kW, kH, seed});
    m.exposureScale = autoExposureScale(scene, 0.09);
    const float level = float(0.18 / autoExposureScale(scene, 0.18) * objectGain);
    std::vector<Image> radiances;
    for (const Placement& p : where) {
        Image r = scene.clone();
        for (int y = p.y; y < p.y + sidePx; ++y)
            for (int x = p.x; x < p.x + sidePx; ++x) {
                const float texture = 1.0f + 0.15f * float(((x - p.x) / 6 + (y - p.y) / 6) % 2);
                for (int c = 0; c < 3; ++c) r.at(x, y, c) = level * texture * (c == 2 ? 0.8f : 1.0f);
            }
        radiances.push_back(r);
    }
    ExposureSimulation sim;
    sim.stops = stops;
    sim.exposureScale = m.exposureScale;
    sim.noise.enabled = noise;
    sim.seed = seed;
    sim.bitDepth = bitDepth;
    m.stack = stackOf(exposeEach(radiances, sim), "moving");
    return m;
}

bool inside(const Placement& p, int side, int x, int y) { return x >= p.x && x < p.x + side && y >= p.y && y < p.y + side; }

// Distance from (x, y) to the square (0 inside).
double distanceTo(const Placement& p, int side, int x, int y)
{
    const double dx = std::max({double(p.x - x), 0.0, double(x - (p.x + side - 1))});
    const double dy = std::max({double(p.y - y), 0.0, double(y - (p.y + side - 1))});
    return std::hypot(dx, dy);
}

struct MaskScore {
    double recallMoved = 0.0;     ///< share of object pixels in non-reference frames with mask > 0.5
    double recallReference = 0.0; ///< the same at the object's place in the reference
    double falsePositive = 0.0;   ///< share of pixels farther than `farPx` from every placement with mask > 0.5
};

MaskScore score(const MovingScene& m, const MotionMask& motion, double farPx)
{
    long moved = 0, movedHit = 0, atRef = 0, atRefHit = 0, far = 0, farHit = 0;
    const Placement& ref = m.where[std::size_t(motion.referenceIndex)];
    for (int y = 0; y < kH; ++y)
        for (int x = 0; x < kW; ++x) {
            const bool on = motion.mask.at(x, y) > 0.5f;
            bool inMoved = false, isFar = true;
            for (std::size_t k = 0; k < m.where.size(); ++k) {
                const bool samePlaceAsRef = m.where[k].x == ref.x && m.where[k].y == ref.y;
                if (int(k) != motion.referenceIndex && !samePlaceAsRef && inside(m.where[k], m.sidePx, x, y)) inMoved = true;
                if (distanceTo(m.where[k], m.sidePx, x, y) <= farPx) isFar = false;
            }
            if (inMoved) {
                ++moved;
                movedHit += on;
            }
            if (inside(ref, m.sidePx, x, y)) {
                ++atRef;
                atRefHit += on;
            }
            if (isFar) {
                ++far;
                farHit += on;
            }
        }
    MaskScore s;
    s.recallMoved = moved ? double(movedHit) / moved : 1.0;
    s.recallReference = atRef ? double(atRefHit) / atRef : 1.0;
    s.falsePositive = far ? double(farHit) / far : 0.0;
    return s;
}

MotionMask detect(const ExposureStack& stack, DeghostParams params = {})
{
    NullProgress progress;
    return detectMotion(stack, params, progress);
}

// Writes the reference with the mask over it when FUSELAB_LOOK_DIR names a folder.
void look(const std::string& name, const ExposureStack& stack, const MotionMask& motion)
{
    const char* dir = std::getenv("FUSELAB_LOOK_DIR");
    if (!dir) return;
    Image overlay = stack.frames[std::size_t(motion.referenceIndex)].pixels.toFloat();
    for (int y = 0; y < overlay.height(); ++y)
        for (int x = 0; x < overlay.width(); ++x) {
            const float a = 0.5f * motion.mask.at(x, y);
            for (int c = 0; c < 3; ++c) overlay.at(x, y, c) = (1 - a) * overlay.at(x, y, c) + a * (c == 0);
        }
    writeImage(std::string(dir) + "/" + name + ".png", overlay);
}

// Beyond the dilation (24 px) and three feather sigmas (36 px) the mask must be clear.
constexpr double kFarPx = 24.0 + 3 * 12.0;

} // namespace

TEST(Deghost, MaskCoversAMovingSquareAndLittleElse)
{
    // 40 px square on the wall below the colour chart: at x = 20, 110 (reference), 200.
    const MovingScene m = movingSquare({-2.0, 0.0, 2.0}, {{20, 180}, {110, 180}, {200, 180}}, 40, true);
    for (int longSide : {0, 256}) { // full-size analysis and a half-size proxy
        DeghostParams p;
        p.analysisLongSidePx = longSide;
        const MotionMask motion = detect(m.stack, p);
        ASSERT_EQ(motion.referenceIndex, 1);
        ASSERT_EQ(motion.mask.width(), kW);
        ASSERT_EQ(motion.mask.channels(), 1);
        const MaskScore s = score(m, motion, kFarPx);
        look("square_" + std::to_string(longSide), m.stack, motion);
        EXPECT_GE(s.recallMoved, 0.95) << "analysis long side " << longSide;
        EXPECT_GE(s.recallReference, 0.95) << "analysis long side " << longSide;
        EXPECT_LE(s.falsePositive, 0.005) << "analysis long side " << longSide;
        std::printf("[ moving square ] long side %d: recall %.4f (reference place %.4f), far false positives %.5f, moving %.4f\n",
                    longSide, s.recallMoved, s.recallReference, s.falsePositive, motion.movingFraction);
    }
    // 16-bit frames of the same scene.
    const MovingScene m16 = movingSquare({-2.0, 0.0, 2.0}, {{20, 180}, {110, 180}, {200, 180}}, 40, true, 5.0, 4, 16);
    const MaskScore s16 = score(m16, detect(m16.stack), kFarPx);
    EXPECT_GE(s16.recallMoved, 0.95);
    EXPECT_LE(s16.falsePositive, 0.005);
}

TEST(Deghost, FiveFrameStackWithClippedAndBlackReferenceAreas)
{
    // −4 … +4 stops. In the −4 frame the square hangs in the window, where the reference is
    // clipped: only the judge substitute (the −2 frame, well exposed there) can see it. In
    // the +4 frame it sits on the floor, the one place not clipped at +4.
    const std::vector<Placement> where = {{285, 105}, {20, 180}, {110, 180}, {200, 180}, {236, 310}};
    const MovingScene m = movingSquare({-4.0, -2.0, 0.0, 2.0, 4.0}, where, 40, true, 5.0, 6);
    const MotionMask motion = detect(m.stack);
    look("five_frames", m.stack, motion);
    ASSERT_EQ(motion.referenceIndex, 2);
    const MaskScore s = score(m, motion, kFarPx);
    std::printf("[ five frames ] recall %.4f (reference place %.4f), far false positives %.5f, moving %.4f\n", s.recallMoved,
                s.recallReference, s.falsePositive, motion.movingFraction);
    EXPECT_GE(s.recallMoved, 0.95);
    EXPECT_LE(s.falsePositive, 0.005);
    // The window square: the reference is clipped under it, and it is found nonetheless.
    const Image8& ref = *m.stack.frames[2].pixels.as8();
    long clipped = 0, hit = 0;
    for (int y = where[0].y; y < where[0].y + 40; ++y)
        for (int x = where[0].x; x < where[0].x + 40; ++x) {
            clipped += ref.at(x, y, 0) >= 250 && ref.at(x, y, 1) >= 250 && ref.at(x, y, 2) >= 250;
            hit += motion.mask.at(x, y) > 0.5f;
        }
    EXPECT_GE(clipped, 40 * 40 * 8 / 10); // the window bar crosses a few rows
    EXPECT_GE(hit, 40 * 40 * 95 / 100);
}

TEST(Deghost, StaticNoisyStackIsAlmostMotionless)
{
    const Image scene = makeSyntheticScene({"interior", kW, kH, 8});
    for (const std::vector<double>& stops : {std::vector<double>{-2.0, 0.0, 2.0}, std::vector<double>{-4.0, -2.0, 0.0, 2.0, 4.0}}) {
        ExposureSimulation sim;
        sim.stops = stops;
        sim.exposureScale = autoExposureScale(scene);
        sim.noise.enabled = true;
        sim.seed = 8;
        const ExposureStack stack = stackOf(exposeScene(scene, sim));
        const MotionMask motion = detect(stack);
        look("static_" + std::to_string(stops.size()), stack, motion);
        std::printf("[ static ] %zu frames: moving fraction %.5f\n", stops.size(), motion.movingFraction);
        EXPECT_LT(motion.movingFraction, 0.005) << stops.size() << " frames";
    }
}

TEST(Deghost, ALargeMovingObjectLeavesTheRestOfTheMaskClean)
{
    // A 198 px square (20 % of the frame) at the left in the reference and the bright frame,
    // at the right in the dark frame. At the right the reference shows wall, window and
    // floor whose levels the square holds in large shares (up to about half of a level's
    // pixels), enough to pull a plain 10–90 % quantile band over the square.
    const int side = 198;
    const MovingScene m = movingSquare({-2.0, 0.0, 2.0}, {{300, 170}, {10, 150}, {10, 150}}, side, true);
    EXPECT_NEAR(double(side) * side / (kW * kH), 0.2, 0.005);
    for (bool dominant : {false, true}) {
        DeghostParams p;
        p.dominantCluster = dominant;
        const MotionMask motion = detect(m.stack, p);
        look(dominant ? "large_object_dominant" : "large_object_plain", m.stack, motion);
        const MaskScore s = score(m, motion, kFarPx);
        std::printf("[ large object ] dominant cluster %d: recall %.4f (reference place %.4f), far false positives %.5f, "
                    "moving %.4f\n",
                    int(dominant), s.recallMoved, s.recallReference, s.falsePositive, motion.movingFraction);
        // Either band keeps the mask clean away from the object…
        EXPECT_LE(s.falsePositive, 0.005) << "dominant cluster " << dominant;
        // …and the dominant-cluster band (the default) still finds where the square went.
        if (dominant) {
            EXPECT_GE(s.recallMoved, 0.95);
        }
    }
}

TEST(Deghost, ASingleChannelChangeIsNotMotion)
{
    // A static stack whose bright frame got a colour cast: its blue codes scaled by 0.8 (a
    // white-balance difference, or blue clipping first). One channel disagrees everywhere;
    // with the default two channels needed that is not motion, with one it is.
    const Image scene = makeSyntheticScene({"interior", kW, kH, 9});
    ExposureSimulation sim;
    sim.stops = {-2.0, 0.0, 2.0};
    sim.exposureScale = autoExposureScale(scene, 0.09);
    sim.noise.enabled = true;
    sim.seed = 9;
    ExposureStack stack = stackOf(exposeScene(scene, sim));
    Image8 cast = stack.frames[2].pixels.as8()->clone();
    for (int y = 0; y < kH; ++y)
        for (int x = 0; x < kW; ++x) cast.at(x, y, 2) = std::uint8_t(std::lround(cast.at(x, y, 2) * 0.8));
    stack.frames[2].pixels = SampleImage(cast);
    const MotionMask two = detect(stack);
    DeghostParams one;
    one.minMovingChannels = 1;
    const MotionMask single = detect(stack, one);
    std::printf("[ colour cast ] moving fraction %.5f (two channels), %.5f (one channel)\n", two.movingFraction,
                single.movingFraction);
    EXPECT_LT(two.movingFraction, 0.005);
    EXPECT_GT(single.movingFraction, 0.05);
}

TEST(Deghost, RefusesStacksItCannotCompare)
{
    const MovingScene m = movingSquare({-2.0, 0.0}, {{20, 180}, {110, 180}}, 40, false);
    ExposureStack one = m.stack;
    one.frames.pop_back();
    EXPECT_THROW(detect(one), Error);
    ExposureStack mismatched = m.stack;
    mismatched.frames[1].pixels = SampleImage(Image8(100, 80, 3));
    try {
        detect(mismatched);
        ADD_FAILURE() << "mismatched sizes accepted";
    } catch (const Error& e) {
        EXPECT_EQ(e.file(), "moving_1.png");
    }
    DeghostParams bad;
    bad.referenceIndex = 2;
    EXPECT_THROW(detect(m.stack, bad), Error);
}

TEST(Deghost, OperatorGivesTheMaskAndItsMovingFraction)
{
    const MovingScene m = movingSquare({-2.0, 0.0, 2.0}, {{20, 180}, {110, 180}, {200, 180}}, 40, false);
    OperatorRegistry registry;
    registerBuiltinOperators(registry);
    OperatorInput in;
    in.stack = &m.stack;
    NullProgress progress;
    const OperatorOutput out = runOperator(registry.get("deghost-mask"), in, {}, progress);
    ASSERT_EQ(out.image.channels(), 1);
    const MotionMask direct = detect(m.stack);
    EXPECT_DOUBLE_EQ(out.scalars.at("moving_fraction"), direct.movingFraction);
    EXPECT_GT(direct.movingFraction, 0.02);
    EXPECT_EQ(out.scalars.at("reference_index"), 1.0);
    ASSERT_EQ(out.extras.size(), 1u);
    EXPECT_EQ(out.extras[0].name, "overlay");
    // Every DeghostParams field is a parameter.
    const auto specs = registry.get("deghost-mask").params();
    for (const char* id : {"reference_index", "tolerance_levels", "band_low", "band_high", "opening_px", "dilation_px",
                           "feather_px", "analysis_long_side_px", "clipped_level", "black_level"})
        EXPECT_TRUE(std::any_of(specs.begin(), specs.end(), [&](const ParamSpec& s) { return s.id == id; })) << id;
    // Written for looking at: FUSELAB_LOOK_DIR=/some/folder.
    if (const char* dir = std::getenv("FUSELAB_LOOK_DIR")) {
        writeImage(std::string(dir) + "/moving_square_overlay.png", out.extras[0].image);
        writeImage(std::string(dir) + "/moving_square_mask.png", out.image);
        for (std::size_t k = 0; k < m.stack.size(); ++k)
            writeImage(std::string(dir) + "/moving_square_" + std::to_string(k) + ".png", m.stack.frames[k].pixels);
    }
}


