// Radiance merge and merge weights against ground truth: synthetic scenes exposed through a
// known response, so every merged sample has a provable error bound (the quantisation bin of
// its codes), plus crafted highlights, clipped/black regions, motion masks and the operators.
#include "synthetic_stack.hpp"
#include "test_support.hpp"

#include "fuselab/builtin_operators.hpp"
#include "fuselab/base/error.hpp"
#include "fuselab/hdr_merge.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

using namespace fuselab;
using namespace fuselab::test;

namespace {

const MergeWeighting kWeightings[] = {MergeWeighting::Hat, MergeWeighting::Gaussian, MergeWeighting::Plateau};

// Radiance of a smooth highlight: a Gaussian lamp of peak `peak` and σ `sigmaPx` on a dim
// background, grey. Its core clips in every frame of a ±4-stop bracket.
Image makeHighlightScene(int sizePx, double peak, double sigmaPx)
{
    Image img(sizePx, sizePx, 3);
    const double c = (sizePx - 1) / 2.0;
    for (int y = 0; y < sizePx; ++y)
        for (int x = 0; x < sizePx; ++x) {
            const double r2 = (x - c) * (x - c) + (y - c) * (y - c);
            const float v = float(0.05 + peak * std::exp(-r2 / (2.0 * sigmaPx * sigmaPx)));
            for (int ch = 0; ch < 3; ++ch) img.at(x, y, ch) = v;
        }
    return img;
}

ExposureSimulation bracket(const CameraResponse& response, double exposureScale, int bitDepth = 8)
{
    ExposureSimulation sim;
    sim.stops = {-4.0, -2.0, 0.0, 2.0, 4.0};
    sim.exposureScale = exposureScale;
    sim.response = response;
    sim.bitDepth = bitDepth;
    return sim;
}

bool allFinitePositive(const Image& img)
{
    for (int y = 0; y < img.height(); ++y)
        for (int i = 0; i < img.width() * img.channels(); ++i)
            if (!(std::isfinite(img.row(y)[i]) && img.row(y)[i] > 0.0f)) return false;
    return true;
}

// Largest quantisation bound over the frames that carry weight at (x, y, c); −1 when none does.
double sampleBoundLn(const ExposureStack& stack, const CameraResponse& response, int x, int y, int c)
{
    double bound = -1.0;
    for (const StackFrame& f : stack.frames) {
        const int top = f.pixels.bitDepth() == 8 ? 255 : 65535;
        const int z = codeAt(f.pixels, x, y, c);
        if (z > 0 && z < top) bound = std::max(bound, quantisationBoundLn(response, z, top, c));
    }
    return bound;
}

OperatorRegistry& registry()
{
    static OperatorRegistry r = [] {
        OperatorRegistry reg;
        registerBuiltinOperators(reg);
        return reg;
    }();
    return r;
}

// Ray walk from the image centre outwards: radiance at integer radii along direction (dx, dy).
std::vector<std::pair<int, int>> rayPixels(int sizePx, int dx, int dy)
{
    std::vector<std::pair<int, int>> px;
    const int c = sizePx / 2;
    for (int r = 0;; ++r) {
        const int x = c + r * dx, y = c + r * dy;
        if (x < 0 || y < 0 || x >= sizePx || y >= sizePx) break;
        px.emplace_back(x, y);
    }
    return px;
}

} // namespace

// --- weights ---------------------------------------------------------------------------------

TEST(MergeWeights, ExactlyZeroAtBothEndsAndPeakOneInTheMiddle)
{
    for (MergeWeighting w : kWeightings) {
        EXPECT_EQ(mergeWeight(w, 0.0), 0.0) << toString(w);
        EXPECT_EQ(mergeWeight(w, 1.0), 0.0) << toString(w);
        EXPECT_EQ(mergeWeight(w, -0.2), 0.0) << toString(w);
        EXPECT_EQ(mergeWeight(w, 1.2), 0.0) << toString(w);
        EXPECT_EQ(mergeWeight(w, std::numeric_limits<double>::quiet_NaN()), 0.0) << toString(w);
        EXPECT_NEAR(mergeWeight(w, 0.5), 1.0, 1e-12) << toString(w);
        // Both extreme codes of 8- and 16-bit data carry nothing; their neighbours do.
        for (int maxCode : {255, 65535}) {
            EXPECT_EQ(mergeWeight(w, 0.0 / maxCode), 0.0);
            EXPECT_EQ(mergeWeight(w, double(maxCode) / maxCode), 0.0);
            EXPECT_GT(mergeWeight(w, 1.0 / maxCode), 0.0) << toString(w) << " " << maxCode;
            EXPECT_GT(mergeWeight(w, (maxCode - 1.0) / maxCode), 0.0) << toString(w) << " " << maxCode;
        }
        for (int i = 0; i <= 1000; ++i) {
            const double v = i / 1000.0, wv = mergeWeight(w, v);
            ASSERT_GE(wv, 0.0);
            ASSERT_LE(wv, 1.0 + 1e-12);
            ASSERT_NEAR(wv, mergeWeight(w, 1.0 - v), 1e-12) << "symmetric";
        }
    }
}

// Debevec & Malik's w(z) = min(z, 255 − z), divided by its peak 127.5: w(1) = 1/127.5,
// w(127) = w(128) = 127/127.5. The same shape for any level count L: min(z, L−1−z)/((L−1)/2).
TEST(MergeWeights, HatIsDebevecsTriangleScaledToPeakOne)
{
    for (int levels : {256, 1024}) {
        const double half = (levels - 1) / 2.0;
        for (int z = 0; z < levels; ++z)
            ASSERT_NEAR(mergeWeight(MergeWeighting::Hat, double(z) / (levels - 1)), std::min(z, levels - 1 - z) / half, 1e-12)
                << z;
    }
    EXPECT_NEAR(mergeWeight(MergeWeighting::Hat, 1.0 / 255.0), 1.0 / 127.5, 1e-15);
}

// SPEC §2: w(i) = e⁴/(e⁴−1)·exp(−(i/63.75 − 2)²) + 1/(1 − e⁴) for i = 0..255.
TEST(MergeWeights, GaussianIsRobertsonsFormula)
{
    const double e4 = std::exp(4.0);
    for (int i = 0; i < 256; ++i) {
        const double t = i / 63.75 - 2.0;
        const double spec = e4 / (e4 - 1.0) * std::exp(-t * t) + 1.0 / (1.0 - e4);
        ASSERT_NEAR(mergeWeight(MergeWeighting::Gaussian, i / 255.0), std::max(spec, 0.0), 1e-12) << i;
    }
    // Scaled to 1024 levels: i/255.75 − 2 takes the place of i/63.75 − 2.
    const double t = 300 / 255.75 - 2.0;
    EXPECT_NEAR(mergeWeight(MergeWeighting::Gaussian, 300 / 1023.0), e4 / (e4 - 1.0) * std::exp(-t * t) + 1.0 / (1.0 - e4), 1e-12);
}

TEST(MergeWeights, PlateauIsFlatOverTheMiddleCodes)
{
    // 1 − (2v − 1)^12: at v = 1/4, 1 − 2^-12; at v = 1/8, 1 − 0.75^12 = 0.968324.
    EXPECT_NEAR(mergeWeight(MergeWeighting::Plateau, 0.25), 1.0 - std::pow(0.5, 12), 1e-12);
    EXPECT_NEAR(mergeWeight(MergeWeighting::Plateau, 0.125), 1.0 - std::pow(0.75, 12), 1e-12);
}

TEST(MergeWeights, NamesRoundTripAndUnknownNamesAreRefused)
{
    for (MergeWeighting w : kWeightings) EXPECT_EQ(mergeWeightingFromString(std::string(toString(w))), w);
    try {
        mergeWeightingFromString("triangle");
        FAIL() << "accepted an unknown weighting";
    } catch (const Error& e) {
        EXPECT_NE(std::string(e.what()).find("hat"), std::string::npos) << e.what();
    }
}

// --- response tables -------------------------------------------------------------------------

TEST(ResponseCurve, LogInverseIsFiniteIncreasingAndReplacesBlackByHalfTheFirstCode)
{
    const CameraResponse srgb = CameraResponse::srgb();
    const std::vector<double> g = logInverseResponse(srgb, 0, 256);
    ASSERT_EQ(g.size(), 256u);
    // f⁻¹(0) = 0 for sRGB: code 0 stands for half the exposure of code 1 = (1/255)/12.92/2.
    EXPECT_NEAR(g[0], std::log(1.0 / 255.0 / 12.92 / 2.0), 1e-6);
    EXPECT_NEAR(g[255], 0.0, 1e-12);
    EXPECT_NEAR(g[128], std::log(srgb.invert(128.0 / 255.0)), 1e-12);
    for (int z = 1; z < 256; ++z) ASSERT_GT(g[std::size_t(z)], g[std::size_t(z - 1)]) << z;

    const Image plot = responseCurveImage(CameraResponse::gamma(2.2));
    ASSERT_EQ(plot.width(), 256);
    ASSERT_EQ(plot.height(), 1);
    ASSERT_EQ(plot.channels(), 3);
    for (int c = 0; c < 3; ++c) EXPECT_NEAR(plot.at(64, 0, c), 2.2 * std::log(64.0 / 255.0), 1e-5);
}

// --- merge with the true response ------------------------------------------------------------

// With the response that made the codes, each frame's reading ln f⁻¹(z/M) − ln Δt_j is within
// the quantisation bin of the truth ln(E·scale) (X = E·scale·Δt_j, code = round(f(X)·M)), so
// their weighted mean is within the largest bin half-width among the frames with weight
// (sampleBoundLn). Tolerance on top: 2e-4 for float tables/sums and the sRGB curve being
// evaluated in float by the simulation. 8-bit sRGB bins are ±0.5·2.4/z in ln X near code z
// (0.9 % at code 128); 16-bit bins 256 times narrower.
TEST(RadianceMerge, TrueResponseReproducesRadianceWithinQuantisation)
{
    const Image scene = makeSyntheticScene({"interior", 256, 192, 3});
    const double scale = autoExposureScale(scene);
    for (const CameraResponse& response : {CameraResponse::srgb(), CameraResponse::gamma(2.2)})
        for (int bits : {8, 16}) {
            const ExposureStack stack = stackFromSimulation(scene, bracket(response, scale, bits));
            NullProgress p;
            MergeStats stats;
            const Image merged = mergeRadiance(stack, response, MergeParams(), p, &stats);
            ASSERT_EQ(merged.channels(), 3);
            ASSERT_TRUE(allFinitePositive(merged));
            int checked = 0, total = 0;
            double worstExcess = -1.0;
            for (int y = 0; y < scene.height(); ++y)
                for (int x = 0; x < scene.width(); ++x)
                    for (int c = 0; c < 3; ++c) {
                        ++total;
                        const double bound = sampleBoundLn(stack, response, x, y, c);
                        if (bound < 0.0) continue; // black or clipped everywhere: tested elsewhere
                        ++checked;
                        const double err = std::fabs(std::log(double(merged.at(x, y, c))) - std::log(scene.at(x, y, c) * scale));
                        worstExcess = std::max(worstExcess, err - bound);
                        ASSERT_LE(err, bound + 2e-4) << response.name() << " " << bits << "-bit at " << x << "," << y << "," << c;
                    }
            // Only the sun and its glow clip in every frame (2.6 % of the samples); nothing is black
            // in every frame. The merge's own count must agree.
            EXPECT_GT(checked, total * 95 / 100) << response.name();
            EXPECT_NEAR(stats.clippedEverywhereFraction, double(total - checked) / total, 1e-12);
            EXPECT_EQ(stats.blackEverywhereFraction, 0.0);
            std::printf("%s %d-bit: worst (error − bound) %.2e over %d samples\n", response.name().c_str(), bits, worstExcess,
                        checked);
        }
}

// Clipped in every frame: f⁻¹(1)/Δt_min = 1/2^-4 = 16 (sRGB, X = 1 at the top code) — the
// image's maximum. Black in every frame: (f⁻¹(1/255)/2)/Δt_max = (1/255/12.92/2)/16 — its minimum.
TEST(RadianceMerge, ClippedEverywhereIsTheMaximumAndBlackEverywhereTheMinimum)
{
    Image scene(64, 64, 3);
    for (int y = 0; y < 64; ++y)
        for (int x = 0; x < 64; ++x)
            for (int c = 0; c < 3; ++c)
                scene.at(x, y, c) = x < 16 ? 1e6f : x < 32 ? 0.0f : float(std::exp2((x - 32) / 2.0 - 14.0) * (1 + c));
    const ExposureStack stack = stackFromSimulation(scene, bracket(CameraResponse::srgb(), 1.0));
    NullProgress p;
    MergeStats stats;
    const Image merged = mergeRadiance(stack, CameraResponse::srgb(), MergeParams(), p, &stats);
    ASSERT_TRUE(allFinitePositive(merged));
    const double clippedValue = 16.0, blackValue = 1.0 / 255.0 / 12.92 / 2.0 / 16.0;
    double restMax = 0.0, restMin = 1e30;
    for (int y = 0; y < 64; ++y)
        for (int x = 0; x < 64; ++x)
            for (int c = 0; c < 3; ++c) {
                const double v = merged.at(x, y, c);
                if (x < 16) {
                    ASSERT_NEAR(v, clippedValue, clippedValue * 1e-5);
                } else if (x < 32) {
                    ASSERT_NEAR(v, blackValue, blackValue * 1e-4);
                } else {
                    restMax = std::max(restMax, v);
                    restMin = std::min(restMin, v);
                }
            }
    EXPECT_GE(clippedValue, restMax);
    EXPECT_LE(blackValue, restMin);
    EXPECT_NEAR(stats.clippedEverywhereFraction, 0.25, 1e-9); // the first 16 of 64 columns
    EXPECT_NEAR(stats.blackEverywhereFraction, 0.25, 1e-9);
}

// A lamp clipped in every frame, fading smoothly into a dim background. Walking from the core
// outwards the radiance must never rise: between neighbours on a ray the merged values may
// only exceed the true (non-increasing) profile by their quantisation bounds, so
// E(r+1) ≤ E(r)·exp(δ(r) + δ(r+1)) (δ = 0 in the clipped core, whose value is the maximum).
TEST(RadianceMerge, SmoothHighlightClippedEverywhereHasNoDarkCoreOrRim)
{
    const int size = 161;
    const Image scene = makeHighlightScene(size, 200.0, 25.0);
    const double scale = 0.18 / 0.05; // background at mid-grey at stops 0: the core reaches 2^7 beyond the darkest clip
    for (int bits : {8, 16}) {
        const ExposureStack stack = stackFromSimulation(scene, bracket(CameraResponse::srgb(), scale, bits));
        NullProgress p;
        MergeStats stats;
        const Image merged = mergeRadiance(stack, CameraResponse::srgb(), MergeParams(), p, &stats);
        ASSERT_TRUE(allFinitePositive(merged));
        ASSERT_GT(stats.clippedEverywhereFraction, 0.01);
        const float core = merged.at(size / 2, size / 2, 1);
        EXPECT_NEAR(core, 16.0f, 1e-3f) << "darkest frame's top code over its exposure";
        double maxElsewhere = 0.0;
        for (int y = 0; y < size; ++y)
            for (int x = 0; x < size; ++x)
                if (sampleBoundLn(stack, CameraResponse::srgb(), x, y, 1) >= 0.0)
                    maxElsewhere = std::max(maxElsewhere, double(merged.at(x, y, 1)));
        EXPECT_GE(core, maxElsewhere) << "the lamp core is the brightest radiance";
        for (auto [dx, dy] : {std::pair{1, 0}, {0, 1}, {-1, 0}, {0, -1}, {1, 1}, {-1, 1}, {1, -1}, {-1, -1}}) {
            const auto ray = rayPixels(size, dx, dy);
            for (std::size_t k = 0; k + 1 < ray.size(); ++k) {
                const auto [x0, y0] = ray[k];
                const auto [x1, y1] = ray[k + 1];
                const double d0 = std::max(0.0, sampleBoundLn(stack, CameraResponse::srgb(), x0, y0, 1));
                const double d1 = std::max(0.0, sampleBoundLn(stack, CameraResponse::srgb(), x1, y1, 1));
                ASSERT_LE(std::log(double(merged.at(x1, y1, 1))), std::log(double(merged.at(x0, y0, 1))) + d0 + d1 + 2e-4)
                    << bits << "-bit, ray (" << dx << "," << dy << ") step " << k;
            }
        }
    }
}

namespace {

// JPEG ringing and tone-curve shoulders leave codes just below white where a frame saturated.
// Emulates it: every clipped sample of every frame but the darkest becomes 250..254.
ExposureStack withRingingAtClippedSamples(ExposureStack stack)
{
    for (std::size_t j = 1; j < stack.size(); ++j) {
        Image8 px = stack.frames[j].pixels.as8()->clone();
        for (int y = 0; y < px.height(); ++y)
            for (int x = 0; x < px.width(); ++x)
                for (int c = 0; c < px.channels(); ++c)
                    if (px.at(x, y, c) == 255) px.at(x, y, c) = std::uint8_t(254 - (x * 7 + y * 13 + int(j) * 3 + c) % 5);
        stack.frames[j].pixels = SampleImage(px);
    }
    return stack;
}

} // namespace

// With ringing, the plain weighted mean reads the bright frames' 250–254 codes (weights small but
// not 0) as measurements inside the lamp, where the darkest frame clips (weight 0): the core
// comes out at the second-darkest frame's saturation level, 4× too dark, and a bright ring
// surrounds it. The saturation check drops frames a darker frame proves saturated.
TEST(RadianceMerge, SaturationCheckKeepsLampsBrightDespiteRingingNearWhite)
{
    const int size = 161;
    const Image scene = makeHighlightScene(size, 200.0, 25.0);
    const double scale = 0.18 / 0.05;
    ExposureSimulation sim = bracket(CameraResponse::srgb(), scale);
    const ExposureStack stack = withRingingAtClippedSamples(stackFromSimulation(scene, sim));
    NullProgress p;

    MergeParams plain;
    plain.saturationCheck = false;
    const Image withoutCheck = mergeRadiance(stack, CameraResponse::srgb(), plain, p);
    EXPECT_LT(withoutCheck.at(size / 2, size / 2, 1), 0.5f * 16.0f) << "the failure this check exists for";

    const Image merged = mergeRadiance(stack, CameraResponse::srgb(), MergeParams(), p);
    ASSERT_TRUE(allFinitePositive(merged));
    EXPECT_NEAR(merged.at(size / 2, size / 2, 1), 16.0f, 1e-3f);
    // Along every ray: never more than 5 % brighter than the previous step (no bright ring, no
    // dark core), and within 10 % of the truth wherever the darkest frame is not clipped.
    int dipsWithoutCheck = 0;
    for (auto [dx, dy] : {std::pair{1, 0}, {0, 1}, {-1, 0}, {0, -1}, {1, 1}, {-1, -1}}) {
        const auto ray = rayPixels(size, dx, dy);
        for (std::size_t k = 0; k + 1 < ray.size(); ++k) {
            const auto [x0, y0] = ray[k];
            const auto [x1, y1] = ray[k + 1];
            EXPECT_LE(merged.at(x1, y1, 1), merged.at(x0, y0, 1) * 1.05f) << "ray (" << dx << "," << dy << ") step " << k;
            dipsWithoutCheck += withoutCheck.at(x1, y1, 1) > withoutCheck.at(x0, y0, 1) * 1.05f;
            if (stack.frames[0].pixels.as8()->at(x1, y1, 1) < 255) {
                EXPECT_NEAR(std::log(merged.at(x1, y1, 1)), std::log(scene.at(x1, y1, 1) * scale), 0.1) << x1 << "," << y1;
            }
        }
    }
    EXPECT_GT(dipsWithoutCheck, 0);
}

// Where the mask is 1 the radiance is the reference frame's own reading; where the reference
// clips, the nearest frame in exposure that is well exposed (ties: the darker); mask 0 leaves
// the merge untouched, 0.5 is halfway (linear).
TEST(RadianceMerge, MotionMaskTakesMaskedPixelsFromTheReferenceFrame)
{
    const Image scene = makeSyntheticScene({"interior", 96, 64, 4});
    ExposureSimulation sim = bracket(CameraResponse::srgb(), autoExposureScale(scene));
    sim.stops = {-2.0, 0.0, 2.0};
    const ExposureStack stack = stackFromSimulation(scene, sim);
    NullProgress p;
    const Image plain = mergeRadiance(stack, CameraResponse::srgb(), MergeParams(), p);

    MotionMask motion;
    motion.mask = Image(96, 64, 1);
    motion.referenceIndex = 1; // stops 0
    for (int y = 0; y < 64; ++y)
        for (int x = 0; x < 96; ++x) motion.mask.at(x, y) = x < 24 ? 0.0f : x < 48 ? 0.5f : 1.0f; // the window is on the right
    MergeParams mp;
    mp.motion = &motion;
    const Image masked = mergeRadiance(stack, CameraResponse::srgb(), mp, p);
    ASSERT_TRUE(allFinitePositive(masked));

    auto reading = [&](int frame, int x, int y, int c) {
        const int z = stack.frames[std::size_t(frame)].pixels.as8()->at(x, y, c);
        return CameraResponse::srgb().invert(z / 255.0) / std::exp2(sim.stops[std::size_t(frame)]);
    };
    auto wellExposed = [&](int frame, int x, int y) {
        for (int c = 0; c < 3; ++c) {
            const int z = stack.frames[std::size_t(frame)].pixels.as8()->at(x, y, c);
            if (z == 0 || z == 255) return false;
        }
        return true;
    };
    int fromReference = 0, fromDarker = 0;
    for (int y = 0; y < 64; ++y)
        for (int x = 0; x < 96; ++x)
            for (int c = 0; c < 3; ++c) {
                const double got = masked.at(x, y, c), merged = plain.at(x, y, c);
                if (x < 24) {
                    ASSERT_EQ(got, merged);
                    continue;
                }
                const int source = wellExposed(1, x, y) ? 1 : wellExposed(0, x, y) ? 0 : wellExposed(2, x, y) ? 2 : -1;
                const double own = source < 0 ? merged : reading(source, x, y, c);
                const double expected = x >= 48 ? own : 0.5 * merged + 0.5 * own;
                ASSERT_NEAR(got, expected, 1e-5 * expected) << x << "," << y << "," << c;
                if (x >= 48) (source == 1 ? fromReference : fromDarker) += source >= 0;
            }
    EXPECT_GT(fromReference, 0);
    EXPECT_GT(fromDarker, 0) << "the window is clipped in the reference";

    MotionMask wrongSize = motion;
    wrongSize.mask = Image(10, 10, 1);
    mp.motion = &wrongSize;
    EXPECT_THROW(mergeRadiance(stack, CameraResponse::srgb(), mp, p), Error);
    MotionMask wrongReference = motion;
    wrongReference.referenceIndex = 3;
    mp.motion = &wrongReference;
    EXPECT_THROW(mergeRadiance(stack, CameraResponse::srgb(), mp, p), Error);
}

TEST(RadianceMerge, FloatFramesMatchTheir16BitCodesAndGreyStacksStayGrey)
{
    const Image scene = makeSyntheticScene({"ramp", 128, 32, 1});
    const ExposureStack stack16 = stackFromSimulation(scene, bracket(CameraResponse::gamma(2.2), autoExposureScale(scene), 16));
    ExposureStack stackFloat = stack16;
    for (StackFrame& f : stackFloat.frames) f.pixels = SampleImage(f.pixels.toFloat());
    NullProgress p;
    const Image a = mergeRadiance(stack16, CameraResponse::gamma(2.2), MergeParams(), p);
    const Image b = mergeRadiance(stackFloat, CameraResponse::gamma(2.2), MergeParams(), p);
    for (int y = 0; y < a.height(); ++y)
        for (int i = 0; i < a.width() * 3; ++i) ASSERT_NEAR(a.row(y)[i], b.row(y)[i], 1e-6f * a.row(y)[i]);

    ExposureStack grey;
    for (const StackFrame& f : stackFromSimulation(scene, bracket(CameraResponse::srgb(), autoExposureScale(scene))).frames) {
        const Image8& rgb = *f.pixels.as8();
        Image8 one(rgb.width(), rgb.height(), 1);
        for (int y = 0; y < rgb.height(); ++y)
            for (int x = 0; x < rgb.width(); ++x) one.at(x, y) = rgb.at(x, y, 1);
        StackFrame g = f;
        g.pixels = SampleImage(one);
        grey.frames.push_back(g);
    }
    const Image greyMerged = mergeRadiance(grey, CameraResponse::srgb(), MergeParams(), p);
    EXPECT_EQ(greyMerged.channels(), 1);
    EXPECT_TRUE(allFinitePositive(greyMerged));
}

TEST(RadianceMerge, RefusesStacksWithoutExposureDataOrWithMismatchedFrames)
{
    const Image scene = makeSyntheticScene({"ramp", 64, 32, 1});
    ExposureStack stack = stackFromSimulation(scene, bracket(CameraResponse::srgb(), 0.05));
    NullProgress p;
    ExposureStack missing = stack;
    missing.frames[2].exposure.stops.reset();
    missing.frames[2].path = "frame_without_exif.jpg";
    try {
        mergeRadiance(missing, CameraResponse::srgb(), MergeParams(), p);
        FAIL() << "merged a stack without exposure data";
    } catch (const Error& e) {
        const std::string msg = e.what();
        EXPECT_NE(msg.find("frame_without_exif.jpg"), std::string::npos) << msg;
        EXPECT_NE(msg.find("--ev"), std::string::npos) << msg;
        EXPECT_NE(msg.find("--times"), std::string::npos) << msg;
    }
    ExposureStack mismatched = stack;
    mismatched.frames[1].pixels = SampleImage(Image8(32, 32, 3));
    mismatched.frames[1].path = "small.png";
    try {
        mergeRadiance(mismatched, CameraResponse::srgb(), MergeParams(), p);
        FAIL() << "merged frames of different sizes";
    } catch (const Error& e) {
        EXPECT_EQ(e.file(), "small.png");
    }
}

// --- recovery: what needs no OpenCV reference ------------------------------------------------

// λ = 0 on noisy data: nothing smooths the fit, so it zigzags where codes have one or two
// observations. The repair must turn it into a valid (strictly increasing) table — the
// CameraResponse::table constructor would throw otherwise — and say how much it moved.
TEST(ResponseRecovery, NonMonotoneFitsAreRepairedIntoStrictlyIncreasingCurves)
{
    const Image scene = makeSyntheticScene({"interior", 160, 120, 2});
    ExposureSimulation sim = bracket(CameraResponse::srgb(), autoExposureScale(scene));
    sim.noise.enabled = true;
    const ExposureStack stack = stackFromSimulation(scene, sim);
    DebevecParams dp;
    dp.lambda = 0.0;
    dp.samples = 40;
    NullProgress p;
    ResponseRecoveryReport report;
    const CameraResponse r = recoverResponseDebevec(stack, dp, p, &report);
    EXPECT_GT(report.monotoneFixes, 0);
    for (int c = 0; c < 3; ++c) {
        const std::vector<double>& x = r.tableExposures(c);
        ASSERT_EQ(x.size(), 256u);
        for (std::size_t z = 1; z < x.size(); ++z) ASSERT_GT(x[z], x[z - 1]) << c << " " << z;
        EXPECT_NEAR(x[128], 1.0, 1e-12) << "normalised at the middle code";
    }
}

TEST(ResponseRecovery, RefusesSingleFramesAndStacksWithoutExposureData)
{
    const Image scene = makeSyntheticScene({"ramp", 64, 32, 1});
    ExposureStack stack = stackFromSimulation(scene, bracket(CameraResponse::srgb(), 0.05));
    NullProgress p;
    ExposureStack one = stack;
    one.frames.resize(1);
    EXPECT_THROW(recoverResponseDebevec(one, DebevecParams(), p), Error);
    EXPECT_THROW(recoverResponseRobertson(one, RobertsonParams(), p), Error);
    stack.frames[0].exposure.stops.reset();
    EXPECT_THROW(recoverResponseDebevec(stack, DebevecParams(), p), Error);
    EXPECT_THROW(recoverResponseRobertson(stack, RobertsonParams(), p), Error);
}

// The top code is censored (everything beyond saturation reads 255): the raw Robertson mean
// over it came out 15× f⁻¹(1) on this scene. It is extrapolated from its neighbours instead,
// so the last step of the curve is about as large as the one before it.
TEST(ResponseRecovery, RobertsonExtrapolatesTheCensoredEndCodes)
{
    const Image scene = makeSyntheticScene({"interior", 192, 144, 1});
    const ExposureStack stack = stackFromSimulation(scene, bracket(CameraResponse::srgb(), autoExposureScale(scene)));
    NullProgress p;
    const CameraResponse r = recoverResponseRobertson(stack, RobertsonParams(), p);
    for (int c = 0; c < 3; ++c) {
        const std::vector<double>& x = r.tableExposures(c);
        const double lastStep = std::log(x[255] / x[254]), previous = std::log(x[254] / x[251]) / 3.0;
        EXPECT_LT(lastStep, 0.1) << c;
        EXPECT_NEAR(lastStep, previous, 0.02) << c;
    }
}

// --- operators -------------------------------------------------------------------------------

TEST(MergeOperators, ReturnRadianceAndThePlottableResponse)
{
    const Image scene = makeSyntheticScene({"interior", 96, 72, 5});
    const ExposureStack stack = stackFromSimulation(scene, bracket(CameraResponse::srgb(), autoExposureScale(scene)));
    OperatorInput in;
    in.stack = &stack;
    NullProgress p;
    for (const char* id : {"merge-debevec", "merge-robertson", "merge-response"}) {
        const Operator& op = registry().get(id);
        EXPECT_EQ(op.info().category, category::merge);
        const OperatorOutput out = runOperator(op, in, {}, p);
        ASSERT_EQ(out.image.width(), 96) << id;
        ASSERT_EQ(out.image.channels(), 3) << id;
        EXPECT_EQ(out.image.encoding(), ColourEncoding::Linear);
        EXPECT_TRUE(allFinitePositive(out.image)) << id;
        // The response curve, and the motion mask of the deghosting that is on by default.
        ASSERT_EQ(out.extras.size(), 2u) << id;
        const auto named = [&](const char* name) {
            return std::find_if(out.extras.begin(), out.extras.end(), [&](const NamedImage& n) { return n.name == name; });
        };
        ASSERT_NE(named("motion_mask"), out.extras.end()) << id;
        ASSERT_NE(named("response"), out.extras.end()) << id;
        const Image& curve = named("response")->image;
        ASSERT_EQ(curve.width(), 256);
        ASSERT_EQ(curve.height(), 1);
        ASSERT_EQ(curve.channels(), 3);
        for (int c = 0; c < 3; ++c)
            for (int z = 1; z < 256; ++z) ASSERT_GT(curve.at(z, 0, c), curve.at(z - 1, 0, c)) << id << " " << z;
        EXPECT_TRUE(out.scalars.count("clipped_everywhere_fraction")) << id;
        if (std::string(id) != "merge-response") {
            for (int c = 0; c < 3; ++c) EXPECT_NEAR(curve.at(128, 0, c), 0.0f, 1e-6f) << id << ": ln X(128) = 0";
        }
    }
    // The known curve is reported as it is: ln of sRGB⁻¹(z/255), and gamma when chosen.
    const OperatorOutput srgb = runOperator(registry().get("merge-response"), in, {}, p);
    const auto responseOf = [](const OperatorOutput& o) {
        return std::find_if(o.extras.begin(), o.extras.end(), [](const NamedImage& n) { return n.name == "response"; })->image;
    };
    EXPECT_NEAR(responseOf(srgb).at(128, 0, 0), std::log(CameraResponse::srgb().invert(128 / 255.0)), 1e-6);
    ParamValues gamma;
    gamma.set("response", std::string("gamma"));
    gamma.set("gamma", 2.2);
    const OperatorOutput g = runOperator(registry().get("merge-response"), in, gamma, p);
    EXPECT_NEAR(responseOf(g).at(64, 0, 1), 2.2 * std::log(64 / 255.0), 1e-5);
    const OperatorOutput rob = runOperator(registry().get("merge-robertson"), in, {}, p);
    EXPECT_GE(rob.scalars.at("iterations"), 1.0);
}

TEST(MergeOperators, RefuseStacksWithoutExposureDataNamingTheFrameAndTheOptions)
{
    const Image scene = makeSyntheticScene({"ramp", 64, 32, 1});
    ExposureStack stack = stackFromSimulation(scene, bracket(CameraResponse::srgb(), 0.05));
    for (StackFrame& f : stack.frames) {
        f.exposure.stops.reset();
        f.exposure.source = ExposureSource::None;
    }
    stack.frames[0].path = "IMG_0001.JPG";
    OperatorInput in;
    in.stack = &stack;
    NullProgress p;
    for (const char* id : {"merge-debevec", "merge-robertson", "merge-response"}) {
        try {
            runOperator(registry().get(id), in, {}, p);
            ADD_FAILURE() << id << " merged without exposure data";
        } catch (const Error& e) {
            const std::string msg = e.what();
            EXPECT_NE(msg.find("IMG_0001.JPG"), std::string::npos) << msg;
            EXPECT_NE(msg.find("--ev"), std::string::npos) << msg;
            EXPECT_NE(msg.find("--times"), std::string::npos) << msg;
        }
    }
}
