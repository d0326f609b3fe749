// Deghosting by consistent exposures (deghost.hpp), on by default: static stacks come out bit
// for bit as plain fusion and merge; moving objects against a known ghost-free truth
// (ghost_scores.hpp; the benchmark prints every case); painted decisions.
#include "ghost_scores.hpp"
#include "synthetic_stack.hpp"
#include "test_support.hpp"

#include "fuselab/builtin_operators.hpp"
#include "fuselab/deghost_params.hpp"
#include "fuselab/base/error.hpp"

#include <algorithm>

using namespace fuselab;
using namespace fuselab::test;

namespace {

OperatorRegistry builtins()
{
    OperatorRegistry r;
    registerBuiltinOperators(r);
    return r;
}

OperatorOutput run(const OperatorRegistry& registry, const std::string& id, const ExposureStack& stack, ParamValues values,
                   const Image8* painted = nullptr)
{
    NullProgress progress;
    OperatorInput input;
    input.stack = &stack;
    input.deghostSources = painted;
    return runOperator(registry.get(id), input, values, progress);
}

ExposureStack noisyStaticStack(std::vector<double> stops, int bits = 8)
{
    const Image scene = makeSyntheticScene({"interior", 320, 240, 5});
    ExposureSimulation sim;
    sim.stops = std::move(stops);
    sim.exposureScale = autoExposureScale(scene);
    sim.noise.enabled = true;
    sim.bitDepth = bits;
    sim.seed = 5;
    return stackFromSimulation(scene, sim);
}

} // namespace

TEST(Deghosting, IsOnByDefault)
{
    const OperatorRegistry registry = builtins();
    for (const char* id : {"mertens", "merge-debevec", "merge-robertson", "merge-response"})
        EXPECT_TRUE(resolveParamValues(registry.get(id).params(), {}).flag("deghost")) << id;
}

TEST(Deghosting, StaticStacksAreLeftBitForBitAsPlainFusionAndMerge)
{
    // Noise, clipping and black in the frames, but nothing moves: the default (deghosting on)
    // must find no motion and change nothing.
    const OperatorRegistry registry = builtins();
    ParamValues off;
    off.set("deghost", false);
    for (const auto& stops : {std::vector<double>{-2.0, 0.0, 2.0}, std::vector<double>{-4.0, -2.0, 0.0, 2.0, 4.0}})
        for (int bits : {8, 16}) {
            const ExposureStack stack = noisyStaticStack(stops, bits);
            for (const char* id : {"mertens", "merge-response"}) {
                const OperatorOutput on = run(registry, id, stack, {});
                const OperatorOutput plain = run(registry, id, stack, off);
                const CompareResult r = compareImages(on.image, plain.image, 0.0, 0.0, 0.0);
                EXPECT_EQ(r.maxError, 0.0) << id << " " << stops.size() << " frames, " << bits << "-bit: " << r.report();
                EXPECT_EQ(on.scalars.at("moving_fraction"), 0.0) << id;
            }
        }
}

TEST(Deghosting, MovingObjectsAppearOnceWithTheFusedTone)
{
    // Two of the benchmark's cases (3 and 5 exposures, 2 stops apart): ghost energy at most
    // 0.35 of plain Mertens's, the static rest ≥ 30 dB against the ghost-free fusion, and the
    // merge within the static merge test's bound (median |ln error| < 0.05).
    const OperatorRegistry registry = builtins();
    for (const GhostCase& c : ghostCases()) {
        if (c.name != "medium, 2 EV ×3" && c.name != "medium, 2 EV ×5") continue;
        const GhostScore s = scoreDeghosting(c, registry);
        std::printf("%s: ghost %.3f, static %.2f dB (plain %.2f dB), merge ghost %.3f, ln error object %.4f whole %.4f\n", c.name.c_str(),
                    s.fusionGhostRatio, s.fusionStaticRestDb, s.plainStaticRestDb, s.mergeGhostRatio, s.mergeObjectLnError,
                    s.mergeWholeLnError);
        EXPECT_LE(s.fusionGhostRatio, 0.35) << c.name;
        EXPECT_GE(s.fusionStaticRestDb, 30.0) << c.name;
        EXPECT_LE(s.mergeGhostRatio, 0.35) << c.name;
        EXPECT_LT(s.mergeObjectLnError, 0.05) << c.name;
        EXPECT_LT(s.mergeWholeLnError, 0.05) << c.name;
    }
}

TEST(Deghosting, PaintedDecisionsTakeTheRegionFromTheChosenFrame)
{
    // Detection off; the user paints the object's whole path with the reference frame's code.
    const OperatorRegistry registry = builtins();
    const Image scene = makeSyntheticScene({"interior", 320, 240, 7});
    ExposureSimulation sim;
    sim.stops = {-2.0, 0.0, 2.0};
    sim.exposureScale = autoExposureScale(scene);
    sim.noise.enabled = true;
    MovingObject object;
    object.radiusFraction = 0.1;
    object.stepXPx = 50.0;
    const MovingObjectStack m = exposeMovingObject(scene, sim, object);
    const ExposureStack moving = stackOf(m.moving), ghostFree = stackOf(m.ghostFree);
    Image8 painted(320, 240, 1);
    long paintedPixels = 0;
    for (int y = 0; y < 240; ++y)
        for (int x = 0; x < 320; ++x) {
            bool covered = false;
            for (const Image& mask : m.objectMasks) covered |= mask.at(x, y) > 0.0f;
            // A generous brush: the path plus a few pixels.
            for (int dy = -4; dy <= 4 && !covered; dy += 4)
                for (int dx = -4; dx <= 4 && !covered; dx += 4)
                    for (const Image& mask : m.objectMasks)
                        covered |= mask.at(std::clamp(x + dx, 0, 319), std::clamp(y + dy, 0, 239)) > 0.0f;
            if (covered) {
                painted.at(x, y) = std::uint8_t(m.referenceIndex + 1);
                ++paintedPixels;
            }
        }
    ParamValues off;
    off.set("deghost", false);
    const OperatorOutput ours = run(registry, "mertens", moving, off, &painted);
    const Image plain = run(registry, "mertens", moving, off).image;
    const Image truth = run(registry, "mertens", ghostFree, off).image;
    double errOurs = 0.0, errPlain = 0.0;
    for (int y = 0; y < 240; ++y)
        for (int x = 0; x < 320; ++x) {
            bool ghost = false;
            for (int k = 0; k < 3; ++k) ghost |= k != m.referenceIndex && m.objectMasks[std::size_t(k)].at(x, y) > 0.5f;
            if (!ghost) continue;
            for (int c = 0; c < 3; ++c) {
                const float t = std::clamp(truth.at(x, y, c), 0.0f, 1.0f);
                errOurs += std::fabs(std::clamp(ours.image.at(x, y, c), 0.0f, 1.0f) - t);
                errPlain += std::fabs(std::clamp(plain.at(x, y, c), 0.0f, 1.0f) - t);
            }
        }
    EXPECT_LE(errOurs / errPlain, 0.35);
    // The sidecar's count: every painted pixel came from the reference, none from the others.
    EXPECT_EQ(ours.scalars.at("deghost_pixels_frame_" + std::to_string(m.referenceIndex)), double(paintedPixels));
    for (int k = 0; k < 3; ++k) {
        if (k != m.referenceIndex) {
            EXPECT_EQ(ours.scalars.at("deghost_pixels_frame_" + std::to_string(k)), 0.0);
        }
    }

    // A code naming a frame the stack does not have, or a mask of another size, is refused.
    Image8 beyond(320, 240, 1);
    beyond.at(3, 3) = 9;
    EXPECT_THROW(run(registry, "mertens", moving, off, &beyond), Error);
    Image8 small(32, 24, 1);
    EXPECT_THROW(run(registry, "mertens", moving, off, &small), Error);
}
