// The attribution methods against ground truth on hand-built models (LibTorch expressions
// through the same batched engine the fusion network uses): a linear model, where IG,
// gradient × input and SmoothGrad have closed forms; a two-layer network whose Grad-CAM and
// Grad-CAM++ maps are computed by hand here; a crafted rectifier chain for Guided Backprop;
// and PIC curves of a model whose output depends only on a known region.
#include "torch/attribution_curves.hpp"
#include "torch/attribution_engine.hpp"
#include "torch/attribution_methods.hpp"
#include "torch/guided_relu.hpp"

#include "fuselab/learn/attribution.hpp"
#include "param_binding_checks.hpp"
#include "fuselab/base/progress.hpp"
#include "fuselab/base/synthetic.hpp"

#include <ATen/ATen.h>
#include <ATen/CPUGeneratorImpl.h>
#include <gtest/gtest.h>

#include <cmath>
#include <set>
#include <vector>

using namespace fuselab;
using namespace fuselab::learn;
using namespace fuselab::learn::detail;

namespace {

const at::TensorOptions kFloat = at::TensorOptions().dtype(at::kFloat);
constexpr std::size_t kBudget = std::size_t(64) << 20;

// Deterministic, irregular values in [lo, hi] (no generator state shared between tests).
at::Tensor pattern(at::IntArrayRef shape, double lo, double hi, double phase)
{
    std::int64_t count = 1;
    for (std::int64_t d : shape) count *= d;
    const at::Tensor i = at::arange(count, at::TensorOptions().dtype(at::kDouble));
    const at::Tensor u = 0.5 + 0.5 * at::sin(i * 1.7 + phase) * at::cos(i * 0.31 + 2.0 * phase);
    return (lo + (hi - lo) * u).to(at::kFloat).reshape(shape);
}

// f(x) = Σ w ⊙ x over inputs, channels and pixels; x [B,K,C,H,W] → [B].
AutogradFunction linearModel(const at::Tensor& w)
{
    return AutogradFunction([w](const at::Tensor& x, Activations*) { return (x * w).sum({1, 2, 3, 4}); });
}

MethodOutput run(const ScalarFunction& f, const at::Tensor& x, const at::Tensor& baseline, const MethodSettings& s)
{
    NullProgress p;
    return runAttributionMethod(f, x, baseline, s, kBudget, p);
}

MethodSettings settingsFor(AttributionMethod m)
{
    MethodSettings s;
    s.method = m;
    return s;
}

double maxAbs(const at::Tensor& t)
{
    return t.abs().max().item<double>();
}

} // namespace

TEST(AttributionMethods, IntegratedGradientsOfALinearModelIsWeightsTimesDelta)
{
    // f(x) = w·x: ∂f/∂x = w everywhere on the path, so IG = (x − x′) ⊙ w Σ quadrature weights
    // = w ⊙ (x − x′) for every rule (the weights of each rule sum to 1), and completeness is exact.
    const at::Tensor w = pattern({2, 3, 5, 6}, -1.0, 1.0, 0.3);
    const at::Tensor x = pattern({2, 3, 5, 6}, 0.0, 1.0, 1.1);
    const at::Tensor baseline = pattern({2, 3, 5, 6}, 0.0, 0.5, 2.7);
    const AutogradFunction f = linearModel(w);
    for (IntegrationRule rule : {IntegrationRule::GaussLegendre, IntegrationRule::RiemannLeft, IntegrationRule::RiemannRight,
                                 IntegrationRule::RiemannMiddle, IntegrationRule::RiemannTrapezoid}) {
        for (int steps : {1, 7, 50}) {
            MethodSettings s = settingsFor(AttributionMethod::IntegratedGradients);
            s.rule = rule;
            s.steps = steps;
            const MethodOutput out = run(f, x, baseline, s);
            const at::Tensor expected = w * (x - baseline);
            EXPECT_LT(maxAbs(out.raw - expected), 1e-6) << "rule " << int(rule) << ", " << steps << " steps";
            EXPECT_LT(maxAbs(out.maps - expected.sum(1)), 1e-5);
            EXPECT_LT(out.completenessGap, 1e-5);
            EXPECT_NEAR(out.value - out.baselineValue, expected.sum().item<double>(), 1e-4);
        }
    }
}

TEST(AttributionMethods, GradientTimesInputAndSaliencyOfALinearModel)
{
    const at::Tensor w = pattern({3, 3, 4, 7}, -2.0, 2.0, 0.9);
    const at::Tensor x = pattern({3, 3, 4, 7}, 0.0, 1.0, 0.4);
    const AutogradFunction f = linearModel(w);
    const MethodOutput gxi = run(f, x, at::zeros_like(x), settingsFor(AttributionMethod::GradientTimesInput));
    EXPECT_LT(maxAbs(gxi.raw - w * x), 1e-6);
    EXPECT_LT(maxAbs(gxi.maps - (w * x).sum(1)), 1e-5);
    const MethodOutput saliency = run(f, x, at::zeros_like(x), settingsFor(AttributionMethod::Saliency));
    EXPECT_LT(maxAbs(saliency.raw - w), 1e-7);
    EXPECT_NEAR(saliency.value, (w * x).sum().item<double>(), 1e-4);
}

TEST(AttributionMethods, SmoothGradWithoutNoiseIsTheGradient)
{
    // Linear model: SmoothGrad with σ = 0 is w exactly. A cubic model f = Σ w x³ (gradient 3wx²)
    // shows the noise matters where it should: σ = 0 gives 3wx² exactly, σ > 0 gives on average
    // 3w(x² + σ²) (E[(x+n)²] = x² + σ²), so Σ (SG − 3wx²)/(3w) ≈ N σ².
    const at::Tensor w = pattern({2, 3, 6, 5}, 0.5, 1.5, 0.2);
    const at::Tensor x = pattern({2, 3, 6, 5}, 0.0, 1.0, 1.7);
    MethodSettings s = settingsFor(AttributionMethod::SmoothGrad);
    s.noiseFraction = 0.0;
    s.samples = 9;
    EXPECT_LT(maxAbs(run(linearModel(w), x, at::zeros_like(x), s).raw - w), 1e-7);

    const AutogradFunction cubic([w](const at::Tensor& in, Activations*) { return (in * in * in * w).sum({1, 2, 3, 4}); });
    const at::Tensor gradient = 3.0 * w * x * x;
    EXPECT_LT(maxAbs(run(cubic, x, at::zeros_like(x), s).raw - gradient), 1e-5);
    MethodSettings v = settingsFor(AttributionMethod::VarGrad);
    v.noiseFraction = 0.0;
    v.samples = 5;
    EXPECT_LT(maxAbs(run(cubic, x, at::zeros_like(x), v).raw), 1e-9) << "no noise, no variance";

    s.noiseFraction = 0.15;
    s.samples = 256;
    const MethodOutput noisy = run(cubic, x, at::zeros_like(x), s);
    const at::Tensor flat = x.reshape({2, -1});
    const at::Tensor sigma = (std::get<0>(flat.max(1)) - std::get<0>(flat.min(1))) * 0.15; // per input, SPEC §6
    const double expected = (sigma * sigma).sum().item<double>() * double(x[0].numel());
    const double measured = ((noisy.raw - gradient) / (3.0 * w)).sum().item<double>();
    EXPECT_NEAR(measured, expected, 0.15 * expected) << "Σ (SG − 3wx²)/(3w) against N σ²";
}

TEST(AttributionMethods, GradCamOfATwoLayerNetworkEqualsAHandComputation)
{
    // Layer "conv": A = ReLU(W x + b), a 1×1 convolution 3 → 2 channels per input; target
    // f = Σ_k Σ_c Σ_p u_kc(p) A_kc(p)² / 2, so ∂f/∂A = u ⊙ A. Grad-CAM: w_kc = mean_p g_kc(p),
    // map_k = ReLU(Σ_c w_kc A_kc); Grad-CAM++: α = g²/(2g² + Σ_p A·g³ + 1e-6), w = Σ_p α ReLU(g).
    const int k = 2, h = 4, wd = 5;
    const at::Tensor x = pattern({k, 3, h, wd}, 0.0, 1.0, 0.6);
    const at::Tensor weight = at::tensor({0.8f, -0.5f, 0.3f, -0.2f, 0.9f, -0.4f}, kFloat).reshape({2, 3, 1, 1});
    const at::Tensor bias = at::tensor({0.05f, 0.1f}, kFloat);
    const at::Tensor u = pattern({k, 2, h, wd}, -1.0, 1.5, 0.8);
    const AutogradFunction net(
        [&](const at::Tensor& in, Activations* acts) {
            const auto b = in.size(0);
            const at::Tensor a = at::relu(at::conv2d(in.reshape({b * k, 3, h, wd}), weight, bias));
            if (acts) (*acts)["conv"] = a;
            return (u.repeat({b, 1, 1, 1}) * a * a * 0.5).reshape({b, -1}).sum(1);
        },
        {"conv"});

    // By hand, in double.
    std::vector<double> A(std::size_t(k * 2 * h * wd)), G(A.size());
    auto idx = [&](int kk, int c, int y, int xx) { return std::size_t(((kk * 2 + c) * h + y) * wd + xx); };
    for (int kk = 0; kk < k; ++kk)
        for (int c = 0; c < 2; ++c)
            for (int y = 0; y < h; ++y)
                for (int xx = 0; xx < wd; ++xx) {
                    double z = bias[c].item<double>();
                    for (int ci = 0; ci < 3; ++ci) z += weight[c][ci][0][0].item<double>() * x[kk][ci][y][xx].item<double>();
                    A[idx(kk, c, y, xx)] = std::max(0.0, z);
                    G[idx(kk, c, y, xx)] = u[kk][c][y][xx].item<double>() * A[idx(kk, c, y, xx)];
                }
    for (bool plusPlus : {false, true}) {
        MethodSettings s = settingsFor(plusPlus ? AttributionMethod::GradCamPlusPlus : AttributionMethod::GradCam);
        s.layer = "conv";
        const MethodOutput out = run(net, x, at::zeros_like(x), s);
        ASSERT_EQ(out.maps.sizes(), at::IntArrayRef({k, h, wd}));
        EXPECT_FALSE(out.isSigned);
        double largest = 0.0;
        for (int kk = 0; kk < k; ++kk) {
            double wc[2] = {0.0, 0.0};
            for (int c = 0; c < 2; ++c) {
                double sumA = 0.0;
                for (int p = 0; p < h * wd; ++p) sumA += A[idx(kk, c, 0, 0) + std::size_t(p)];
                for (int p = 0; p < h * wd; ++p) {
                    const double g = G[idx(kk, c, 0, 0) + std::size_t(p)];
                    if (!plusPlus) {
                        wc[c] += g / (h * wd);
                    } else {
                        const double alpha = g * g / (2.0 * g * g + sumA * g * g * g + 1e-6);
                        wc[c] += alpha * std::max(0.0, g);
                    }
                }
            }
            for (int y = 0; y < h; ++y)
                for (int xx = 0; xx < wd; ++xx) {
                    const double cam = std::max(0.0, wc[0] * A[idx(kk, 0, y, xx)] + wc[1] * A[idx(kk, 1, y, xx)]);
                    largest = std::max(largest, cam);
                    EXPECT_NEAR(out.maps[kk][y][xx].item<double>(), cam, 1e-6 + 1e-5 * cam)
                        << (plusPlus ? "Grad-CAM++" : "Grad-CAM") << " input " << kk << " at " << xx << "," << y;
                }
        }
        EXPECT_GT(largest, 1e-3) << "a map that is zero everywhere proves nothing";
    }
}

TEST(AttributionMethods, GuidedBackpropPassesOnlyPositiveInputAndGradient)
{
    // f = Σ v ⊙ ReLU(a ⊙ ReLU(x) + c) + Σ LeakyReLU(x; 0.2) ⊙ e. Plain backprop: v·[z>0]·a·[x>0]
    // + e·(x>0 ? 1 : 0.2). Guided, rectifier by rectifier from the output: the outer ReLU passes
    // max(v,0)·[z>0]; the inner one max(a · that, 0)·[x>0]; the leaky one max(e,0)·[x>0] (its
    // negative side is dropped too). Each pixel below is one case.
    const std::vector<float> xs = {0.5f, 0.5f, 0.5f, -0.5f, 0.5f, 0.5f, -0.5f, 0.25f};
    const std::vector<float> as = {1.0f, 1.0f, -1.0f, 1.0f, -1.0f, 2.0f, 1.0f, 1.0f};
    const std::vector<float> cs = {0.0f, 0.0f, 0.0f, 0.0f, 1.0f, 0.0f, 0.0f, 0.0f};
    const std::vector<float> vs = {1.0f, -1.0f, 1.0f, 1.0f, 1.0f, 1.0f, 1.0f, 0.5f};
    const std::vector<float> es = {0.0f, 0.0f, 0.0f, 0.0f, 0.0f, 0.0f, 1.0f, -1.0f};
    const int n = int(xs.size());
    auto t = [&](const std::vector<float>& v) { return at::tensor(v, kFloat).reshape({1, 1, 1, n}); };
    const at::Tensor x = t(xs), a = t(as), c = t(cs), v = t(vs), e = t(es);
    const AutogradFunction f([&](const at::Tensor& in, Activations*) {
        const at::Tensor z = a * rectifier(in, 0.0) + c;
        return (v * rectifier(z, 0.0) + e * rectifier(in, 0.2)).sum({1, 2, 3, 4});
    });
    const MethodOutput plain = run(f, x, at::zeros_like(x), settingsFor(AttributionMethod::Saliency));
    const MethodOutput guided = run(f, x, at::zeros_like(x), settingsFor(AttributionMethod::GuidedBackprop));
    EXPECT_NEAR(guided.value, plain.value, 1e-6) << "guidance changes the backward pass only";
    for (int i = 0; i < n; ++i) {
        const double z = as[std::size_t(i)] * std::max(0.0f, xs[std::size_t(i)]) + cs[std::size_t(i)];
        const bool xPositive = xs[std::size_t(i)] > 0.0f, zPositive = z > 0.0;
        const double expectedPlain = vs[std::size_t(i)] * zPositive * as[std::size_t(i)] * xPositive +
                                     es[std::size_t(i)] * (xPositive ? 1.0 : 0.2);
        const double outer = std::max(0.0f, vs[std::size_t(i)]) * zPositive;
        const double expectedGuided =
            std::max(0.0, as[std::size_t(i)] * outer) * xPositive + std::max(0.0f, es[std::size_t(i)]) * xPositive;
        EXPECT_NEAR(plain.raw[0][0][0][i].item<double>(), expectedPlain, 1e-6) << "pixel " << i;
        EXPECT_NEAR(guided.raw[0][0][0][i].item<double>(), expectedGuided, 1e-6) << "pixel " << i;
    }
    // The cases that tell the rules apart: pixel 1 (negative output gradient), 4 (positive
    // output gradient turned negative by a < 0 before the inner rectifier), 6 (leaky side).
    EXPECT_EQ(plain.raw[0][0][0][1].item<float>(), -1.0f);
    EXPECT_EQ(guided.raw[0][0][0][1].item<float>(), 0.0f);
    EXPECT_EQ(plain.raw[0][0][0][4].item<float>(), -1.0f);
    EXPECT_EQ(guided.raw[0][0][0][4].item<float>(), 0.0f);
    EXPECT_NEAR(plain.raw[0][0][0][6].item<float>(), 0.2f, 1e-7);
    EXPECT_EQ(guided.raw[0][0][0][6].item<float>(), 0.0f);
}

namespace {

// A "fusion" whose output inside a known rectangle is the mean of the inputs and mid-grey
// elsewhere: only the rectangle's input pixels can matter.
class RegionOnlyModel final : public ImageFunction {
public:
    RegionOnlyModel(int x0, int y0, int w, int h) : m_x0(x0), m_y0(y0), m_w(w), m_h(h) {}
    at::Tensor fuse(const at::Tensor& x) const override
    {
        at::Tensor out = at::full({x.size(0), 3, x.size(3), x.size(4)}, 0.5f, kFloat);
        out.narrow(2, m_y0, m_h).narrow(3, m_x0, m_w).copy_(x.mean(1).narrow(2, m_y0, m_h).narrow(3, m_x0, m_w));
        return out;
    }
    std::size_t bytesPerItem(const at::Tensor& item) const override { return std::size_t(item.numel()) * 8; }

private:
    int m_x0, m_y0, m_w, m_h;
};

} // namespace

TEST(AttributionCurves, PicRanksTheTrueRegionAboveRandom)
{
    const int w = 128, h = 96, rx = 40, ry = 24, rw = 48, rh = 40;
    const Image radiance = makeSyntheticScene({"interior", w, h, 11});
    ExposureSimulation sim;
    sim.stops = {-1.0, 1.0};
    sim.exposureScale = autoExposureScale(radiance);
    // Fine texture (±0.15 noise) over the scene, so that the original does not compress well and
    // information (lossless WebP bytes) grows with every pixel kept, as in photographs.
    at::Generator texture = at::make_generator<at::CPUGeneratorImpl>(7);
    std::vector<at::Tensor> frames;
    for (const SimulatedFrame& f : exposeScene(radiance, sim)) {
        const Image im = f.pixels.toFloat();
        at::Tensor t = at::empty({3, h, w}, kFloat);
        for (int c = 0; c < 3; ++c)
            for (int y = 0; y < h; ++y)
                for (int x = 0; x < w; ++x) t[c][y][x] = im.at(x, y, c);
        frames.push_back((t + 0.3f * (at::rand({3, h, w}, texture, kFloat) - 0.5f)).clamp(0.0, 1.0));
    }
    CurveInputs in;
    in.x = at::stack(frames);
    in.image = std::make_shared<RegionOnlyModel>(rx, ry, rw, rh);
    // The target is the region, as AttributionTarget::rectangle resolves it: SSIM windows centred in it.
    in.windowWeights = at::zeros({h - 10, w - 10}, kFloat);
    in.windowWeights.narrow(0, ry - 5, rh).narrow(1, rx - 5, rw).fill_(1.0f);
    in.windowWeights /= in.windowWeights.sum();

    at::Tensor regionMap = at::zeros({2, h, w}, kFloat);
    regionMap.narrow(1, ry, rh).narrow(2, rx, rw).fill_(1.0f);
    regionMap += 1e-3f * at::rand({2, h, w}, at::make_generator<at::CPUGeneratorImpl>(3), kFloat); // order within
    PicOptions o;
    o.aicThreshold = 0.9;
    o.score = CurveScore::Ssim; // a hand-built image function has no target to score by
    NullProgress p;
    in.importance = regionMap.reshape({-1});
    const PicResult region = picCurvesOn(in, o, p, {});
    in.importance = at::rand({2 * h * w}, at::make_generator<at::CPUGeneratorImpl>(5), kFloat);
    const PicResult random = picCurvesOn(in, o, p, {});

    for (const PicResult* r : {&region, &random}) {
        ASSERT_FALSE(r->sic.skipped) << r->sic.skipReason;
        EXPECT_LT(r->startSimilarity, 0.9);
        for (const PicCurve* c : {&r->sic, &r->aic}) {
            if (c->skipped) continue;
            ASSERT_EQ(c->curveX.size(), 1001u);
            EXPECT_EQ(c->curveX.front(), 0.0);
            EXPECT_EQ(c->curveX.back(), 1.0);
            for (std::size_t i = 0; i < c->curveY.size(); ++i) {
                EXPECT_GE(c->curveY[i], 0.0);
                EXPECT_LE(c->curveY[i], 1.0);
                if (i > 0) {
                    EXPECT_GE(c->curveY[i], c->curveY[i - 1]) << "monotone at " << i;
                }
            }
            // Per threshold: more information never scores lower.
            for (std::size_t i = 0; i < c->score.size(); ++i)
                for (std::size_t j = 0; j < c->score.size(); ++j)
                    if (c->information[j] > c->information[i]) {
                        EXPECT_GE(c->score[j], c->score[i]);
                    }
        }
    }
    // Marking the region keeps every pixel that matters at the first thresholds: the score is
    // reached with a sliver of the information, while random pixels need most of it (measured:
    // SIC AUC 0.828 against 0.279, AIC AUC 0.773 against 0.036).
    EXPECT_GT(region.sic.auc, random.sic.auc + 0.3) << "region " << region.sic.auc << ", random " << random.sic.auc;
    EXPECT_GT(region.sic.auc, 0.75);
    ASSERT_FALSE(region.aic.skipped);
    ASSERT_FALSE(random.aic.skipped);
    EXPECT_GT(region.aic.auc, random.aic.auc + 0.3);
}

TEST(AttributionCurves, PicCurveAssemblyByHand)
{
    // Points (0.2, 0.5) and (0.5, 0.4 → 0.5 kept monotone), plus (0,0) and (1,1): the polyline's
    // area is 0.2·0.25 + 0.3·0.5 + 0.5·0.75 = 0.575; the breakpoints lie on the 1000-point grid, so
    // the interpolated trapezoids give it exactly. Without the running max: 0.05 + 0.3·0.45 + 0.5·0.7.
    const PicCurve c = assemblePicCurve({0.1, 0.2}, {0.2, 0.5}, {0.5, 0.4});
    EXPECT_NEAR(c.auc, 0.575, 1e-12);
    EXPECT_EQ(c.score[1], 0.5);
    const PicCurve raw = assemblePicCurve({0.1, 0.2}, {0.2, 0.5}, {0.5, 0.4}, false);
    EXPECT_NEAR(raw.auc, 0.05 + 0.135 + 0.35, 1e-12);
    const PicAggregate median = aggregatePicCurves({c, raw, c});
    EXPECT_NEAR(median.auc, c.auc, 1e-12);
    EXPECT_EQ(median.images, 3);
}

// The curves' settings are declared once: the specs take their defaults from
// DeletionInsertionOptions and PicOptions, and the score and the deleted value reach both.
TEST(AttributionMethods, MethodSettingsAreDeclaredOnceInTheirStruct)
{
    const AttributionMethodSettings defaults;
    for (AttributionMethod m : {AttributionMethod::IntegratedGradients, AttributionMethod::SmoothGrad, AttributionMethod::VarGrad,
                                AttributionMethod::Occlusion, AttributionMethod::Random}) {
        const auto* binding = attributionMethodBinding(m);
        ASSERT_NE(binding, nullptr) << toString(m);
        const std::set<std::string> bound =
            fuselab::test::expectBindingsDeclareOnce(std::string(toString(m)), attributionParamSpecs(m), {binding});
        EXPECT_EQ(bound.size(), attributionParamSpecs(m).size()) << toString(m) << ": every parameter bound";
    }
    // The SPEC §6 constants are the struct's, and reading fills only the method's own.
    EXPECT_EQ(defaults.steps, 50);
    EXPECT_EQ(defaults.samples, 25);
    EXPECT_DOUBLE_EQ(defaults.noiseFraction, 0.15);
    EXPECT_EQ(defaults.windowPx, 15);
    ParamValues v;
    v.set("base", std::string("ig"));
    v.set("steps", std::int64_t(8));
    v.set("rule", std::string("riemann_trapezoid"));
    v.set("noise", 0.3);
    v.set("target", std::string("mef_ssim")); // the target's table: not the method's business
    const AttributionMethodSettings s = attributionMethodSettings(AttributionMethod::SmoothGrad, v);
    EXPECT_EQ(s.base, AttributionMethod::IntegratedGradients);
    EXPECT_EQ(s.steps, 8);
    EXPECT_EQ(s.rule, IntegrationRule::RiemannTrapezoid);
    EXPECT_DOUBLE_EQ(s.noiseFraction, 0.3);
    EXPECT_EQ(s.windowPx, defaults.windowPx);
    // Grad-CAM's layer: the model's choices, its default layer.
    EXPECT_EQ(attributionMethodSettings(AttributionMethod::GradCam, {}).layer, "decoder.refine");
    ParamValues bad;
    bad.set("steps", std::int64_t(0));
    EXPECT_THROW((void)attributionMethodSettings(AttributionMethod::IntegratedGradients, bad), Error);
}

TEST(AttributionCurves, CurveSettingsAreDeclaredOnceInTheirStructs)
{
    const std::set<std::string> bound = fuselab::test::expectBindingsDeclareOnce(
        "attribution curves", attributionCurveParamSpecs(), {&attributionCurveParamBinding()});
    EXPECT_EQ(bound.size(), attributionCurveParamSpecs().size());
    ParamValues v;
    v.set("curve_score", std::string("ssim"));
    v.set("deletion_value", 0.5);
    v.set("method", std::string("ig")); // another table's id: not the curves' business
    const AttributionCurvesOptions o = attributionCurvesOptionsFromValues(v);
    EXPECT_EQ(o.deletionInsertion.score, CurveScore::Ssim);
    EXPECT_EQ(o.pic.score, CurveScore::Ssim);
    EXPECT_EQ(o.deletionInsertion.deletionValue, 0.5);
    EXPECT_EQ(o.pic.deletionValue, 0.5);
    EXPECT_EQ(o.pic.webpQuality, PicOptions{}.webpQuality);
}
