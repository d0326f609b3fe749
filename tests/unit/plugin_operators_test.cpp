// The operators of FuseLab's own plugins, loaded from the build tree's plugins folder exactly
// as the applications load them: the filmic curves against hand-computed values, the
// guided-filter fusion against a frame it must reproduce and on a synthetic stack with known
// radiance, and the example mixer against its formula.
#include "test_support.hpp"

#include "fuselab/builtin_operators.hpp"
#include "fuselab/base/colour.hpp"
#include "fuselab/base/error.hpp"
#include "fuselab/plugin_loader.hpp"
#include "fuselab/base/synthetic.hpp"

#include <cmath>

using namespace fuselab;
using namespace fuselab::test;

namespace {

const OperatorRegistry& registry()
{
    static const OperatorRegistry r = [] {
        OperatorRegistry reg;
        registerBuiltinOperators(reg);
        loadPlugins({{FUSELAB_BUILD_PLUGIN_DIR, PluginFolderOrigin::BuildTree}}, reg);
        return reg;
    }();
    return r;
}

/// A 1-row image holding the given grey values (R = G = B).
Image greyRow(const std::vector<float>& values)
{
    Image img(int(values.size()), 1, 3);
    for (std::size_t i = 0; i < values.size(); ++i)
        for (int c = 0; c < 3; ++c) img.at(int(i), 0, c) = values[i];
    return img;
}

OperatorOutput runOn(const std::string& id, const Image& image, const ParamValues& overrides = {})
{
    OperatorInput input;
    input.images.push_back(image);
    NullProgress progress;
    return runOperator(registry().get(id), input, overrides, progress);
}

OperatorOutput runOnStack(const std::string& id, const ExposureStack& stack, const ParamValues& overrides = {})
{
    OperatorInput input;
    input.stack = &stack;
    NullProgress progress;
    return runOperator(registry().get(id), input, overrides, progress);
}

StackFrame frameOf(const SampleImage& pixels, const std::string& name)
{
    StackFrame f;
    f.path = name;
    f.pixels = pixels;
    return f;
}

/// Fraction of the scene's visible details that an image keeps. A detail is a pair of
/// horizontally or vertically adjacent pixels whose true luminance differs by at least 10 %
/// (about twice the few-percent luminance step people notice in the mid-tones); the image
/// keeps it when its grey values differ in the same direction by at least `minStep` (2/255:
/// two 8-bit codes, so that one quantisation step is not counted as a visible detail).
/// Showing every such detail at once is what fusion is for: one exposure loses those in its
/// clipped and black parts, a plain average keeps their order but flattens the steps.
double keptDetailFraction(const Image& display, const Image& radiance, double minStep = 2.0 / 255.0)
{
    auto grey = [&](int x, int y) {
        const float* p = display.row(y) + std::size_t(x) * std::size_t(display.channels());
        return display.channels() >= 3 ? 0.299 * p[0] + 0.587 * p[1] + 0.114 * p[2] : double(p[0]);
    };
    auto logLum = [&](int x, int y) {
        const float* p = radiance.row(y) + std::size_t(x) * 3;
        return std::log(double(linearLuminance(p[0], p[1], p[2])) + 1e-9);
    };
    long long details = 0, kept = 0;
    auto visit = [&](int x0, int y0, int x1, int y1) {
        const double dl = logLum(x1, y1) - logLum(x0, y0);
        if (std::fabs(dl) < std::log(1.1)) return;
        ++details;
        const double dd = grey(x1, y1) - grey(x0, y0);
        if (dd * dl > 0 && std::fabs(dd) >= minStep) ++kept;
    };
    for (int y = 0; y < radiance.height(); ++y)
        for (int x = 0; x < radiance.width(); ++x) {
            if (x + 1 < radiance.width()) visit(x, y, x + 1, y);
            if (y + 1 < radiance.height()) visit(x, y, x, y + 1);
        }
    return details ? double(kept) / double(details) : 0.0;
}

} // namespace

TEST(PluginOperators, EveryBuildTreePluginLoads)
{
    OperatorRegistry reg;
    registerBuiltinOperators(reg);
    const PluginReport report = loadPlugins({{FUSELAB_BUILD_PLUGIN_DIR, PluginFolderOrigin::BuildTree}}, reg);
    for (const PluginRecord& p : report.plugins) EXPECT_EQ(p.status, PluginStatus::Loaded) << p.path << ": " << p.message;
    EXPECT_EQ(report.loadedCount(), 3u);
    for (const char* id : {"tonemap-aces-fit", "tonemap-hable", "fusion-gff", "example-bw-mixer"})
        EXPECT_NE(reg.find(id), nullptr) << id;
}

TEST(PluginOperators, AcesFitMatchesHandComputedValues)
{
    // f(x) = x(2.51x + 0.03) / (x(2.43x + 0.59) + 0.14):
    //   f(0.18) = 0.086724 / 0.324932 = 0.26689892;  f(1) = 2.54 / 3.16 = 0.80379747;
    //   f(2) = 10.1 / 11.04 = 0.91485507;  f(100) = 1.0329… → clamped to 1.
    const OperatorOutput out = runOn("tonemap-aces-fit", greyRow({0.0f, 0.18f, 1.0f, 2.0f, 100.0f}));
    const double expected[] = {0.0, 0.26689892, 0.80379747, 0.91485507, 1.0};
    for (int i = 0; i < 5; ++i)
        for (int c = 0; c < 3; ++c) EXPECT_NEAR(out.image.at(i, 0, c), expected[i], 2e-7) << i;
    // White: the root of 0.08x² − 0.56x − 0.14 = 0, x = (0.56 + √0.3584) / 0.16 = 7.24165739.
    EXPECT_NEAR(out.scalars.at("white_scene_value"), 7.24165739, 1e-7);
    EXPECT_NEAR(out.scalars.at("clipped_fraction"), 0.2, 1e-12); // one pixel of five

    // The original ACES exposure (×0.6) and +1 stop: x = 1 → f(1.2) = 3.6504 / 4.3472 = 0.83971292.
    ParamValues v;
    v.set("input_scale", 0.6);
    v.set("exposure_stops", 1.0);
    EXPECT_NEAR(runOn("tonemap-aces-fit", greyRow({1.0f}), v).image.at(0, 0, 1), 0.83971292, 2e-7);
}

TEST(PluginOperators, HableMatchesHandComputedValues)
{
    // H(x) = (x(0.15x + 0.05) + 0.004) / (x(0.15x + 0.5) + 0.06) − 1/15, output H(2x) / H(11.2):
    //   H(11.2) = 19.38 / 24.476 − 1/15 = 0.72512938;
    //   x = 0.18: H(0.36) = 0.04144 / 0.25944 − 1/15 = 0.09306198 → / 0.72512938 = 0.12833845;
    //   x = 1: H(2) = 0.704 / 1.66 − 1/15 = 0.35742972 → 0.49291855;  x = 5.6: H(11.2) / H(11.2) = 1.
    const OperatorOutput out = runOn("tonemap-hable", greyRow({0.0f, 0.18f, 1.0f, 5.6f}));
    const double expected[] = {0.0, 0.12833845, 0.49291855, 1.0};
    for (int i = 0; i < 4; ++i) EXPECT_NEAR(out.image.at(i, 0, 0), expected[i], 3e-7) << i;
    EXPECT_NEAR(out.scalars.at("white_scene_value"), 5.6, 1e-12);
}

TEST(PluginOperators, LuminanceModeKeepsColourRatios)
{
    Image px(1, 1, 3);
    px.at(0, 0, 0) = 0.4f;
    px.at(0, 0, 1) = 0.2f;
    px.at(0, 0, 2) = 0.1f;
    ParamValues v;
    v.set("apply_to", std::string("luminance"));
    for (const char* id : {"tonemap-aces-fit", "tonemap-hable"}) {
        const Image out = runOn(id, px, v).image;
        EXPECT_NEAR(out.at(0, 0, 0) / out.at(0, 0, 1), 2.0, 1e-5) << id;
        EXPECT_NEAR(out.at(0, 0, 1) / out.at(0, 0, 2), 2.0, 1e-5) << id;
        // Per channel (the default) the ratios are compressed instead.
        const Image rgb = runOn(id, px).image;
        EXPECT_LT(rgb.at(0, 0, 0) / rgb.at(0, 0, 1), 1.9) << id;
    }
}

TEST(PluginOperators, GuidedFusionReproducesTheOnlyUsefulFrame)
{
    // One well-exposed textured frame among frames that are black or clipped everywhere: those
    // have no saliency and the worst exposedness, so every pixel selects the good frame, its
    // guided-filter weights are exactly 1 (a constant input gives a = 0, b = 1) and
    // F = B + (I − B) = I. The same holds for the paper's contrast-only selection.
    const Image good = makePattern(96, 64, 3, 7);
    Image8 good8(96, 64, 3, ColourEncoding::Srgb);
    for (int y = 0; y < 64; ++y)
        for (int x = 0; x < 96 * 3; ++x) good8.row(y)[x] = std::uint8_t(std::lround(good.row(y)[x] * 255.0f));
    Image8 black(96, 64, 3, ColourEncoding::Srgb);
    Image8 white(96, 64, 3, ColourEncoding::Srgb);
    white.fill(255);
    ParamValues paper;
    paper.set("weight_exposedness", 0.0);
    paper.set("saliency_floor", 0.0);
    for (int position = 0; position < 6; ++position) {
        ExposureStack stack;
        for (int k = 0; k < 3; ++k)
            stack.frames.push_back(k == position % 3 ? frameOf(good8, "good")
                                                     : frameOf(k < position % 3 ? black : white, "black or white"));
        const OperatorOutput out = runOnStack("fusion-gff", stack, position < 3 ? ParamValues() : paper);
        expectImagesClose(out.image, SampleImage(good8).toFloat(), 1e-6, 0.0, 1e-6, "gff_reproduces_frame");
        EXPECT_EQ(out.image.encoding(), ColourEncoding::Srgb);
        EXPECT_DOUBLE_EQ(out.scalars.at("selected_fraction_" + std::to_string(position % 3)), 1.0);
    }
}

TEST(PluginOperators, GuidedFusionKeepsMoreSceneDetailThanAnySingleFrame)
{
    // The "interior" scene (a window 4-5 stops above the room, a deep shadow under the table)
    // through the sRGB camera at −4, −2, 0, +2, +4 stops, 320 × 240 px, 8-bit.
    const Image radiance = makeSyntheticScene({"interior", 320, 240, 3});
    ExposureSimulation sim;
    sim.stops = {-4.0, -2.0, 0.0, 2.0, 4.0};
    sim.exposureScale = autoExposureScale(radiance);
    ExposureStack stack;
    for (const SimulatedFrame& f : exposeScene(radiance, sim)) stack.frames.push_back(frameOf(f.pixels, "frame"));

    double bestSingle = 0.0, worstSingle = 1.0;
    Image average(320, 240, 3, ColourEncoding::Srgb);
    for (const StackFrame& f : stack.frames) {
        const Image frame = f.pixels.toFloat();
        const double kept = keptDetailFraction(frame, radiance);
        bestSingle = std::max(bestSingle, kept);
        worstSingle = std::min(worstSingle, kept);
        for (int y = 0; y < 240; ++y)
            for (int x = 0; x < 320 * 3; ++x) average.row(y)[x] += frame.row(y)[x] / 5.0f;
    }
    const double averaged = keptDetailFraction(average, radiance);
    const double gff = keptDetailFraction(runOnStack("fusion-gff", stack).image, radiance);
    const double mertens = keptDetailFraction(runOnStack("mertens", stack).image, radiance);
    ParamValues paper;
    paper.set("weight_exposedness", 0.0);
    paper.set("saliency_floor", 0.0);
    const double gffPaper = keptDetailFraction(runOnStack("fusion-gff", stack, paper).image, radiance);
    std::printf("kept details: single frames %.4f..%.4f, average %.4f, GFF %.4f (paper's selection %.4f), Mertens %.4f\n",
                worstSingle, bestSingle, averaged, gff, gffPaper, mertens);
    // Measured: single frames 0.367..0.808, average 0.830, GFF 0.956 (paper's 0.945), Mertens 0.956.
    EXPECT_LT(worstSingle, 0.5) << "the measure must tell a poor rendering from a good one";
    EXPECT_GT(gff, bestSingle + 0.12);
    EXPECT_GT(gff, averaged + 0.10);
    EXPECT_GT(gff, mertens - 0.01);
    EXPECT_GT(gff, gffPaper) << "the well-exposedness factor is there to help on exposure stacks";
}

TEST(PluginOperators, GuidedFusionRefusesFramesOfDifferentSizes)
{
    ExposureStack stack;
    stack.frames.push_back(frameOf(Image8(32, 24, 3), "a.png"));
    stack.frames.push_back(frameOf(Image8(30, 24, 3), "b.png"));
    try {
        runOnStack("fusion-gff", stack);
        FAIL() << "expected a fuselab::Error";
    } catch (const Error& e) {
        // Thrown inside the plugin, caught here as the core's own type.
        EXPECT_EQ(e.file(), "b.png");
        EXPECT_NE(e.problem().find("the first frame is 32×24×3"), std::string::npos) << e.problem();
    }
}

TEST(PluginOperators, ExampleMixerFollowsItsFormula)
{
    Image px(2, 1, 3, ColourEncoding::Linear);
    const float rgb[2][3] = {{0.5f, 0.25f, 1.0f}, {0.1f, 0.8f, 0.0f}};
    for (int x = 0; x < 2; ++x)
        for (int c = 0; c < 3; ++c) px.at(x, 0, c) = rgb[x][c];
    // Defaults: Rec. 709 weights, which sum to 1: 0.2126·0.5 + 0.7152·0.25 + 0.0722·1 = 0.3573.
    const Image grey = runOn("example-bw-mixer", px).image;
    ASSERT_EQ(grey.channels(), 1);
    EXPECT_NEAR(grey.at(0, 0), 0.3573, 1e-6);
    // Red filter look, normalised: weights (1, 0.5, −0.5) / 1 → 0.1 + 0.4 − 0 = 0.5 for pixel 2.
    ParamValues v;
    v.set("red", 1.0);
    v.set("green", 0.5);
    v.set("blue", -0.5);
    const Image red = runOn("example-bw-mixer", px, v).image;
    EXPECT_NEAR(red.at(1, 0), 0.5, 1e-6);
    EXPECT_NEAR(red.at(0, 0), 0.5 + 0.125 - 0.5, 1e-6);
}
