// attribute() and the sanity checks: the public functions of attribution.hpp that explain a
// FusionModel (curves are in attribution_curves.cpp).
#include "fuselab/learn/attribution.hpp"

#include "../full_res_weights.hpp"
#include "fuselab/base/heap_policy.hpp"
#include "attribution_methods.hpp"
#include "attribution_support.hpp"
#include "fuselab/base/error.hpp"
#include "fuselab/base/synthetic.hpp"
#include "fusion_functions.hpp"
#include "objective.hpp"
#include "pyramid_torch.hpp"
#include "tensor_utils.hpp"

#include <ATen/ATen.h>
#include <ATen/CPUGeneratorImpl.h>
#include <torch/csrc/autograd/autograd.h>

#include <chrono>
#include <cmath>
#include <cstring>

namespace fuselab::learn {
namespace {

using Clock = std::chrono::steady_clock;
double secondsSince(Clock::time_point t)
{
    return std::chrono::duration<double>(Clock::now() - t).count();
}

bool needsBaseline(const detail::MethodSettings& s)
{
    return s.method == AttributionMethod::IntegratedGradients ||
           ((s.method == AttributionMethod::SmoothGrad || s.method == AttributionMethod::VarGrad) &&
            s.base == AttributionMethod::IntegratedGradients);
}

at::Tensor baselineFor(const detail::MethodSettings& s, const at::Tensor& x, const std::vector<Image>& userImages)
{
    if (!needsBaseline(s)) return at::zeros_like(x);
    if (s.baseline == AttributionBaseline::Black) return at::zeros_like(x);
    if (s.baseline == AttributionBaseline::Blurred) {
        const double longSide = double(std::max(x.size(2), x.size(3)));
        return detail::gaussianBlur(x, s.baselineBlur * longSide);
    }
    if (userImages.size() != std::size_t(x.size(0)))
        throw Error("the user baseline needs one image per input (" + std::to_string(x.size(0)) + "), " +
                    std::to_string(userImages.size()) + " given");
    return detail::inputsTensor(userImages, int(x.size(3)), int(x.size(2)));
}

// Conv layers of a network from the output down: decoder.logits, refine, context, mix, then
// every modality's conv4 … conv1 (SPEC: re-initialise from the top).
std::vector<std::string> cascadeOrder(const detail::FusionNetImpl& net)
{
    std::vector<std::string> order = {"decoder.logits", "decoder.refine", "decoder.context", "decoder.mix"};
    for (const char* conv : {"conv4", "conv3", "conv2", "conv1"})
        for (Modality m : net.config().modalities) order.push_back("encoder." + std::string(toString(m)) + "." + conv);
    return order;
}

// PyTorch's default Conv2d initialisation: weight and bias uniform in ±1/√fan_in.
void reinitialiseLayer(detail::FusionNetImpl& net, const std::string& layer, at::Generator& generator)
{
    at::NoGradGuard noGrad;
    const auto params = net.namedParams();
    at::Tensor weight, bias;
    for (const auto& [name, t] : params) {
        if (name == layer + ".weight") weight = t;
        if (name == layer + ".bias") bias = t;
    }
    if (!weight.defined()) throw Error("internal: no parameters for layer '" + layer + "'");
    const double fanIn = double(weight.numel() / weight.size(0));
    const double bound = 1.0 / std::sqrt(fanIn);
    weight.uniform_(-bound, bound, generator);
    if (bias.defined()) bias.uniform_(-bound, bound, generator);
}

std::vector<float> flatten(const std::vector<Image>& maps, bool absolute)
{
    std::vector<float> v;
    for (const Image& m : maps)
        for (int y = 0; y < m.height(); ++y)
            for (int x = 0; x < m.width(); ++x) v.push_back(absolute ? std::fabs(m.at(x, y)) : m.at(x, y));
    return v;
}

} // namespace

namespace detail {

at::Tensor inputsTensor(const std::vector<Image>& inputs, int widthPx, int heightPx)
{
    if (inputs.empty()) throw Error("nothing to explain: no inputs");
    std::vector<at::Tensor> planes;
    for (const Image& im : inputs) {
        if (im.width() != widthPx || im.height() != heightPx)
            throw Error("inputs differ in size (" + std::to_string(im.width()) + "x" + std::to_string(im.height()) + " vs " +
                        std::to_string(widthPx) + "x" + std::to_string(heightPx) + ")");
        const Image colour = colourChannels(im);
        at::Tensor t = imageToTensor(colour, colour.channels(), c10::Device(c10::kCPU));
        if (t.size(0) == 1) t = t.expand({3, heightPx, widthPx}).contiguous();
        planes.push_back(t);
    }
    return at::stack(planes).contiguous();
}

std::vector<Image> mapsToImages(const at::Tensor& maps)
{
    std::vector<Image> out;
    const at::Tensor m = maps.to(at::kCPU, at::kFloat).contiguous();
    for (std::int64_t k = 0; k < m.size(0); ++k) out.push_back(tensorToImage(m[k].unsqueeze(0), ColourEncoding::Linear));
    return out;
}

AttributionResult attributeNetwork(FusionNetImpl& net, const at::Tensor& x, const std::vector<Modality>& modalities,
                                   const AttributionRequest& request, ProgressSink& progress)
{
    const auto t0 = Clock::now();
    const HeapReuseScope heap;
    progress.report(0.0, "preparing");
    progress.checkCancelled();
    const int k = int(x.size(0)), h = int(x.size(2)), w = int(x.size(3));
    if (int(modalities.size()) != k) throw Error("one modality per input is needed");
    const ParamValues values = resolveParamValues(attributionParamSpecs(request.method, net.layerNames()), request.values);
    const MethodSettings settings = MethodSettings::of(request.method, attributionMethodSettings(request.method, values, net.layerNames()));
    const ResolvedTarget target = resolveTarget(request.target, x, modalities);
    const FusionFunctions functions = makeFusionFunctions(net, modalities, w, h, target, request.compute);
    const at::Tensor baseline = baselineFor(settings, x, request.baselineImages);
    ProgressSpan span(progress, 0.02, 1.0);
    const MethodOutput out =
        runAttributionMethod(*functions.scalar, x, baseline, settings, attributionMemoryBudget(request.compute.memoryBudgetBytes), span);

    AttributionResult r;
    r.method = request.method;
    r.target = request.target.describe();
    r.maps = mapsToImages(out.maps);
    if (out.raw.defined())
        for (std::int64_t i = 0; i < out.raw.size(0); ++i) r.channelMaps.push_back(tensorToImage(out.raw[i], ColourEncoding::Linear));
    r.isSigned = out.isSigned;
    r.targetValue = out.value;
    r.baselineValue = out.baselineValue;
    r.completenessGap = out.completenessGap;
    r.attributionSum = out.maps.sum().item<double>();
    if (request.method == AttributionMethod::GradCam || request.method == AttributionMethod::GradCamPlusPlus) r.layer = settings.layer;
    r.device = functions.device;
    r.engine = functions.engine;
    r.batchSize = out.batchSize;
    r.passes = out.passes;
    r.items = out.items;
    r.notes = out.notes;
    r.seconds = secondsSince(t0);
    return r;
}

} // namespace detail

AttributionResult attribute(const FusionModel& model, const std::vector<Image>& inputs, const std::vector<Modality>& modalities,
                            const AttributionRequest& request, ProgressSink& progress)
{
    if (inputs.empty()) throw Error("nothing to explain: no inputs");
    const at::Tensor x = detail::inputsTensor(inputs, inputs[0].width(), inputs[0].height());
    return detail::attributeNetwork(detail::networkOf(model), x, modalities, request, progress);
}

ModelRandomisationResult modelRandomisationCheck(const FusionModel& model, const std::vector<Image>& inputs,
                                                 const std::vector<Modality>& modalities, const AttributionRequest& request,
                                                 const SanityOptions& options, ProgressSink& progress)
{
    const auto t0 = Clock::now();
    if (inputs.empty()) throw Error("nothing to explain: no inputs");
    detail::FusionNetImpl& net = detail::networkOf(model);
    const at::Tensor x = detail::inputsTensor(inputs, inputs[0].width(), inputs[0].height());
    const std::vector<std::string> order = cascadeOrder(net);
    const double slice = 1.0 / double(order.size() + 1);
    ProgressSpan first(progress, 0.0, slice);
    ModelRandomisationResult result;
    result.method = request.method;
    result.originalMaps = detail::attributeNetwork(net, x, modalities, request, first).maps;
    const std::vector<float> original = flatten(result.originalMaps, false), originalAbs = flatten(result.originalMaps, true);
    detail::FusionNet copy = detail::copyNetwork(net, c10::Device(c10::kCPU));
    at::Generator generator = at::make_generator<at::CPUGeneratorImpl>(options.seed);
    for (std::size_t i = 0; i < order.size(); ++i) {
        reinitialiseLayer(*copy, order[i], generator);
        ProgressSpan span(progress, slice * double(i + 1), slice * double(i + 2));
        const AttributionResult r = detail::attributeNetwork(*copy, x, modalities, request, span);
        result.steps.push_back({order[i], spearmanRankCorrelation(original, flatten(r.maps, false)),
                                spearmanRankCorrelation(originalAbs, flatten(r.maps, true))});
        if (options.keepMaps) result.randomisedMaps.push_back(r.maps);
    }
    result.seconds = secondsSince(t0);
    return result;
}

DataRandomisationResult dataRandomisationCheck(const AttributionRequest& request, const DataRandomisationOptions& o,
                                               ProgressSink& progress)
{
    const auto t0 = Clock::now();
    if (o.sizePx < 16 || o.exposures < 2 || o.trainSteps < 1 || o.batch < 1 || o.featureChannels < 4)
        throw Error("data randomisation needs size ≥ 16 px, ≥ 2 exposures, ≥ 1 step, batch ≥ 1 and ≥ 4 channels");
    progress.report(0.0, "making training stacks");
    progress.checkCancelled();
    // Synthetic stacks (all scenes, several crops by seed), exposures spread over 4 stops.
    auto stackOf = [&](std::uint64_t seed, const std::string& scene) {
        const Image radiance = makeSyntheticScene({scene, o.sizePx, o.sizePx, seed});
        ExposureSimulation sim;
        for (int e = 0; e < o.exposures; ++e) sim.stops.push_back(-2.0 + 4.0 * e / (o.exposures - 1));
        sim.exposureScale = autoExposureScale(radiance);
        std::vector<Image> frames;
        for (const SimulatedFrame& f : exposeScene(radiance, sim)) frames.push_back(f.pixels.toFloat());
        return detail::inputsTensor(frames, o.sizePx, o.sizePx);
    };
    const std::vector<std::string> scenes = syntheticSceneNames();
    constexpr int kStacks = 12;
    std::vector<at::Tensor> stacks;
    for (int i = 0; i < kStacks; ++i) stacks.push_back(stackOf(o.seed * 1000 + std::uint64_t(i), scenes[std::size_t(i) % scenes.size()]));
    const at::Tensor data = at::stack(stacks); // [N,K,3,S,S]
    const int levels = autoPyramidLevels(o.sizePx, o.sizePx, 2);
    const at::Tensor truth = detail::laplacianBlend(data, detail::mertensWeights(data).unsqueeze(2), levels);
    const at::Tensor permuted = at::roll(truth, {1}, {0}); // stack i learns stack i−1's fusion

    FusionNetConfig config;
    config.modalities = std::vector<Modality>(1, Modality::Exposure);
    config.featureChannels = o.featureChannels;
    config.lowResLongSidePx = std::max(32, o.sizePx);
    config.detailTerm = false;
    at::manual_seed(o.seed);
    detail::FusionNet trueNet(config);
    detail::FusionNet randomNet = detail::copyNetwork(*trueNet, c10::Device(c10::kCPU));
    const std::vector<Modality> modalities(std::size_t(o.exposures), Modality::Exposure);

    auto train = [&](detail::FusionNetImpl& net, const at::Tensor& targets, double begin, double end) {
        for (auto& p : net.parameters()) p.set_requires_grad(true);
        net.train();
        std::vector<at::Tensor> params = net.parameters();
        std::vector<at::Tensor> m1, m2;
        for (const at::Tensor& p : params) {
            m1.push_back(at::zeros_like(p));
            m2.push_back(at::zeros_like(p));
        }
        at::Generator picker = at::make_generator<at::CPUGeneratorImpl>(o.seed + 17);
        double loss = 0.0;
        const double lr = 3e-3, b1 = 0.9, b2 = 0.999;
        for (int step = 1; step <= o.trainSteps; ++step) {
            const at::Tensor idx = at::randint(kStacks, {o.batch}, picker, at::TensorOptions().dtype(at::kLong));
            const at::Tensor xb = data.index_select(0, idx);
            const detail::FusedTensors f = detail::fuseTensors(net, xb, modalities, o.sizePx, o.sizePx, levels);
            const at::Tensor l = (f.fused - targets.index_select(0, idx)).abs().mean();
            const std::vector<at::Tensor> grads = torch::autograd::grad({l}, params, {}, false, false, true);
            {
                at::NoGradGuard noGrad;
                for (std::size_t i = 0; i < params.size(); ++i) {
                    if (!grads[i].defined()) continue;
                    m1[i].mul_(b1).add_(grads[i], 1.0 - b1);
                    m2[i].mul_(b2).addcmul_(grads[i], grads[i], 1.0 - b2);
                    const double c1 = 1.0 - std::pow(b1, step), c2 = 1.0 - std::pow(b2, step);
                    params[i].addcdiv_(m1[i], (m2[i] / c2).sqrt_().add_(1e-8), -lr / c1);
                }
            }
            loss = l.item<double>();
            if (step % 10 == 0 || step == o.trainSteps) {
                progress.report(begin + (end - begin) * double(step) / o.trainSteps, "training");
                progress.checkCancelled();
            }
        }
        net.eval();
        for (auto& p : net.parameters()) p.set_requires_grad(false);
        return loss;
    };
    DataRandomisationResult r;
    r.method = request.method;
    r.trueLabelLoss = train(*trueNet, truth, 0.02, 0.4);
    r.randomLabelLoss = train(*randomNet, permuted, 0.4, 0.8);

    const at::Tensor heldOut = stackOf(o.seed * 1000 + 999, "interior");
    for (std::int64_t k = 0; k < heldOut.size(0); ++k) r.heldOutInputs.push_back(detail::tensorToImage(heldOut[k], ColourEncoding::Srgb));
    ProgressSpan a(progress, 0.8, 0.9), b(progress, 0.9, 1.0);
    r.trueLabelMaps = detail::attributeNetwork(*trueNet, heldOut, modalities, request, a).maps;
    r.randomLabelMaps = detail::attributeNetwork(*randomNet, heldOut, modalities, request, b).maps;
    r.rankCorrelation = spearmanRankCorrelation(flatten(r.trueLabelMaps, false), flatten(r.randomLabelMaps, false));
    r.rankCorrelationAbs = spearmanRankCorrelation(flatten(r.trueLabelMaps, true), flatten(r.randomLabelMaps, true));
    r.seconds = secondsSince(t0);
    return r;
}

} // namespace fuselab::learn
