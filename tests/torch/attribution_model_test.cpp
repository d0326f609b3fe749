// Attribution on the shipped fusion model: the split CPU engine (network in LibTorch at low
// resolution, full resolution in C++ with hand-written adjoints) against LibTorch autograd
// through the whole fusion, IG's completeness, Grad-CAM's per-input maps, the sanity checks
// and the operators.
#include "test_support.hpp"

#include "fuselab/error.hpp"
#include "fuselab/learn/attribution.hpp"
#include "fuselab/learn/attribution_operators.hpp"
#include "fuselab/learn/learn_library.hpp"
#include "fuselab/learn/learned_operator.hpp"
#include "fuselab/learn/model_files.hpp"
#include "fuselab/synthetic.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

using namespace fuselab;
using namespace fuselab::learn;

namespace {

const FusionModel& shippedModel()
{
    static const std::unique_ptr<FusionModel> model = LearnLibrary::get().loadModel(resolveShippedModel({FUSELAB_SOURCE_MODELS_DIR}));
    return *model;
}

std::vector<Image> syntheticExposures(int w, int h, std::uint64_t seed = 21, const char* scene = "interior")
{
    const Image radiance = makeSyntheticScene({scene, w, h, seed});
    ExposureSimulation sim;
    sim.stops = {-2.0, 0.0, 2.0};
    sim.exposureScale = autoExposureScale(radiance);
    std::vector<Image> frames;
    for (const SimulatedFrame& f : exposeScene(radiance, sim)) frames.push_back(f.pixels.toFloat());
    return frames;
}

const std::vector<Modality> kThree(3, Modality::Exposure);

AttributionResult explain(AttributionMethod method, const std::vector<Image>& inputs, const AttributionTarget& target,
                          AttributionEngine engine, ParamValues values = {})
{
    AttributionRequest r;
    r.method = method;
    r.target = target;
    r.values = std::move(values);
    r.compute.device = DeviceChoice::Cpu;
    r.compute.engine = engine;
    NullProgress p;
    return LearnLibrary::get().attribute(shippedModel(), inputs, kThree, r, p);
}

struct Difference {
    double maxAbs = 0.0, scale = 0.0;
};
Difference compare(const std::vector<Image>& a, const std::vector<Image>& b)
{
    Difference d;
    for (std::size_t k = 0; k < a.size(); ++k)
        for (int y = 0; y < a[k].height(); ++y)
            for (int x = 0; x < a[k].width() * a[k].channels(); ++x) {
                d.maxAbs = std::max(d.maxAbs, double(std::fabs(a[k].row(y)[x] - b[k].row(y)[x])));
                d.scale = std::max(d.scale, double(std::fabs(b[k].row(y)[x])));
            }
    return d;
}

} // namespace

// The split engine's hand-written adjoints against LibTorch autograd through net.cpp's
// fuseTensors, at a size where the network runs reduced (320×200 → 256×160) so the area
// average and the guided filter's bilinear upsampling are exercised too.
TEST(TorchAttribution, SplitEngineMatchesAutogradValuesAndGradients)
{
    const std::vector<Image> inputs = syntheticExposures(320, 200);
    const std::vector<AttributionTarget> targets = {
        AttributionTarget::wholeImage(),
        AttributionTarget::rectangle({100, 40, 60, 50}, TargetQuantity::Luminance),
        AttributionTarget::pixel(201, 77, TargetQuantity::Red),
        AttributionTarget::wholeImage(TargetQuantity::MefSsim),
        AttributionTarget::loss(LossTermKind::L1),
        AttributionTarget::loss(LossTermKind::SpatialFrequency),
    };
    for (const AttributionTarget& t : targets) {
        const AttributionResult split = explain(AttributionMethod::Saliency, inputs, t, AttributionEngine::Split);
        const AttributionResult reference = explain(AttributionMethod::Saliency, inputs, t, AttributionEngine::Autograd);
        EXPECT_EQ(split.engine, "split");
        EXPECT_EQ(reference.engine, "autograd");
        EXPECT_NEAR(split.targetValue, reference.targetValue, 2e-5 * std::max(1.0, std::fabs(reference.targetValue))) << t.describe();
        const Difference d = compare(split.channelMaps, reference.channelMaps);
        ASSERT_GT(d.scale, 0.0) << t.describe();
        EXPECT_LT(d.maxAbs, 2e-3 * d.scale) << t.describe() << ": max |Δ| " << d.maxAbs << " of gradients up to " << d.scale;
    }
}

TEST(TorchAttribution, IntegratedGradientsCompletenessOnTheShippedModel)
{
    // SPEC §6: |Σ attribution − (f(x) − f(x′))| below 1 % of |f(x) − f(x′)| with 64 Gauss–Legendre steps.
    const std::vector<Image> inputs = syntheticExposures(256, 192, 5);
    ParamValues v;
    v.set("steps", std::int64_t(64));
    v.set("rule", std::string("gauss_legendre"));
    for (const AttributionTarget& t : {AttributionTarget::wholeImage(TargetQuantity::Luminance),
                                       AttributionTarget::rectangle({40, 30, 80, 60})}) {
        const AttributionResult r = explain(AttributionMethod::IntegratedGradients, inputs, t, AttributionEngine::Auto, v);
        EXPECT_EQ(r.engine, "split");
        ASSERT_TRUE(std::isfinite(r.completenessGap));
        EXPECT_LT(r.completenessGap, 0.01) << t.describe() << ": f(x) " << r.targetValue << ", f(x') " << r.baselineValue
                                           << ", sum " << r.attributionSum;
        EXPECT_NEAR(r.attributionSum, r.targetValue - r.baselineValue, 0.01 * std::fabs(r.targetValue - r.baselineValue));
        EXPECT_EQ(r.maps.size(), 3u);
        EXPECT_EQ(r.maps[0].width(), 256);
        EXPECT_EQ(r.maps[0].height(), 192);
        EXPECT_LE(r.passes, 6) << "64 steps must go through the model in a few batched passes";
    }
}
