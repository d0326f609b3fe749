#include "fusion_functions.hpp"

#include "../full_res/split_fusion.hpp"
#include "fuselab/base/error.hpp"
#include "fuselab/learn/training_params.hpp"
#include "guided_relu.hpp"
#include "objective.hpp"
#include "pyramid_torch.hpp"
#include "tensor_utils.hpp"

#include <ATen/ATen.h>
#include <c10/core/InferenceMode.h>
#include <torch/csrc/autograd/autograd.h>

#include <algorithm>
#include <cstring>

namespace fuselab::learn::detail {
namespace {

const at::TensorOptions kFloatCpu = at::TensorOptions().dtype(at::kFloat);

std::vector<Plane> planesOf(const at::Tensor& kHw) // [K,h,w] float CPU contiguous
{
    const int k = int(kHw.size(0)), h = int(kHw.size(1)), w = int(kHw.size(2));
    std::vector<Plane> out;
    const float* src = kHw.data_ptr<float>();
    for (int i = 0; i < k; ++i) {
        Plane p(w, h);
        std::memcpy(p.values.data(), src + std::size_t(i) * p.size(), sizeof(float) * p.size());
        out.push_back(std::move(p));
    }
    return out;
}

void copyPlanes(const std::vector<Plane>& planes, float* dst)
{
    for (const Plane& p : planes) {
        std::memcpy(dst, p.values.data(), sizeof(float) * p.size());
        dst += p.size();
    }
}

at::Tensor tensorOfPlanes(const std::array<Plane, 3>& planes)
{
    at::Tensor t = at::empty({3, planes[0].height, planes[0].width}, kFloatCpu);
    float* dst = t.data_ptr<float>();
    for (const Plane& p : planes) {
        std::memcpy(dst, p.values.data(), sizeof(float) * p.size());
        dst += p.size();
    }
    return t;
}

int fusionLevels(int widthPx, int heightPx)
{
    // fuseTensors with levels = 0: as many as fit down to 2 px, clipped by laplacianBlend to 1 px.
    return std::min(autoPyramidLevels(widthPx, heightPx, 2), autoPyramidLevels(widthPx, heightPx, 1));
}

// The split engine (see split_fusion.hpp).
class SplitFusion final : public ScalarFunction, public ImageFunction {
public:
    SplitFusion(FusionNetImpl& net, std::vector<Modality> modalities, int widthPx, int heightPx, ResolvedTarget target)
        : m_net(net), m_modalities(std::move(modalities)), m_target(std::move(target)),
          m_geometry(widthPx, heightPx, lowSize(net, widthPx, heightPx).second, lowSize(net, widthPx, heightPx).first,
                     fusionLevels(widthPx, heightPx))
    {
        const FusionNetConfig& cfg = net.config();
        if (cfg.detailTerm) {
            at::NoGradGuard noGrad;
            m_detail.enabled = true;
            m_detail.exponent = net.detailExponent().item<float>();
            m_detail.floor = net.detailFloor().item<float>();
        }
        if (m_target.linear) {
            m_linear.spatial = Plane(widthPx, heightPx);
            const at::Tensor m = m_target.spatial.contiguous();
            std::memcpy(m_linear.spatial.values.data(), m.data_ptr<float>(), sizeof(float) * m_linear.spatial.size());
            m_linear.channelWeights = m_target.channelWeights;
            m_linear.prepare(m_geometry.pyramid);
        }
    }

    std::vector<std::string> layers() const override { return m_net.layerNames(); }
    std::vector<int> layerInputs(const std::string& layer, int) const override
    {
        return fusionLayerInputs(m_net, layer, m_modalities);
    }

    Evaluation evaluate(const at::Tensor& xIn, const EvalRequest& request) const override
    {
        const at::Tensor x = xIn.to(at::kCPU, at::kFloat).contiguous();
        check(x);
        const auto b = x.size(0), k = x.size(1);
        const bool capture = !request.layer.empty();
        if (capture) layerInputs(request.layer, int(k));
        const bool needGrad = request.gradient || capture;
        const int lh = m_geometry.lowHeight, lw = m_geometry.lowWidth;
        const std::size_t full = std::size_t(m_geometry.width) * std::size_t(m_geometry.height);
        const std::size_t low = std::size_t(lw) * std::size_t(lh);

        at::Tensor lowIn = at::empty({b, k, 3, lh, lw}, kFloatCpu);
        for (std::int64_t i = 0; i < b * k; ++i)
            splitAreaDown(m_geometry, x.data_ptr<float>() + std::size_t(i) * 3 * full, lowIn.data_ptr<float>() + std::size_t(i) * 3 * low);

        Evaluation out;
        out.values = at::empty({b}, at::TensorOptions().dtype(at::kDouble));
        if (!needGrad) {
            at::Tensor meanA, meanB;
            {
                c10::InferenceMode inference;
                std::tie(meanA, meanB) = coefficients(lowIn, nullptr);
                meanA = meanA.to(at::kFloat).contiguous();
                meanB = meanB.to(at::kFloat).contiguous();
            }
            // One item per thread (their many short row loops then run inline): on curve batches
            // of 800×600 stacks this spends less time in OpenMP barriers than row-parallel items.
            // Each item holds its full-resolution pyramids, so large images keep one at a time.
            constexpr std::size_t kItemParallelMaxPixels = std::size_t(1) << 21; // 2 MP
            std::vector<std::vector<Plane>> aPlanes, bPlanes;
            for (std::int64_t i = 0; i < b; ++i) {
                aPlanes.push_back(planesOf(meanA[i]));
                bPlanes.push_back(planesOf(meanB[i]));
            }
            std::vector<double> values(static_cast<std::size_t>(b));
            const float* xData = x.data_ptr<float>();
            const std::size_t itemFloats = std::size_t(k) * 3 * full;
            auto evaluateItems = [&](std::int64_t i0, std::int64_t i1) {
                for (std::int64_t i = i0; i < i1; ++i) {
                    SplitSample sample(m_geometry, m_detail, xData + std::size_t(i) * itemFloats, int(k),
                                       std::move(aPlanes[std::size_t(i)]), std::move(bPlanes[std::size_t(i)]));
                    values[std::size_t(i)] = valueOf(sample);
                }
            };
            if (full <= kItemParallelMaxPixels) at::parallel_for(0, b, 1, evaluateItems);
            else evaluateItems(0, b);
            for (std::int64_t i = 0; i < b; ++i) out.values[i] = values[std::size_t(i)];
            return out;
        }

        GuidedBackpropScope guided(request.guided);
        const at::Tensor lowLeaf = lowIn.requires_grad_(true);
        Activations activations;
        const auto [meanA, meanB] = coefficients(lowLeaf, capture ? &activations : nullptr);
        const at::Tensor a = meanA.detach().to(at::kFloat).contiguous(), bc = meanB.detach().to(at::kFloat).contiguous();
        at::Tensor gx = at::zeros(x.sizes(), kFloatCpu);
        at::Tensor gA = at::zeros(a.sizes(), kFloatCpu), gB = at::zeros(bc.sizes(), kFloatCpu);
        for (std::int64_t i = 0; i < b; ++i) {
            SplitSample sample(m_geometry, m_detail, x[i].data_ptr<float>(), int(k), planesOf(a[i]), planesOf(bc[i]));
            std::vector<Plane> gMeanA, gMeanB;
            float* gxi = gx.data_ptr<float>() + std::size_t(i) * std::size_t(k) * 3 * full;
            if (m_target.linear) {
                out.values[i] = sample.linearValue(m_linear);
                sample.linearGradient(m_linear, gxi, gMeanA, gMeanB);
            } else {
                const at::Tensor fused = tensorOfPlanes(sample.fused()).unsqueeze(0).requires_grad_(true);
                const at::Tensor value = targetOfFused(m_target, fused);
                out.values[i] = value.item<double>();
                const at::Tensor u = torch::autograd::grad({value.sum()}, {fused})[0].squeeze(0).contiguous();
                std::array<Plane, 3> uPlanes;
                for (int c = 0; c < 3; ++c) {
                    uPlanes[std::size_t(c)] = Plane(m_geometry.width, m_geometry.height);
                    std::memcpy(uPlanes[std::size_t(c)].values.data(), u.data_ptr<float>() + std::size_t(c) * full, sizeof(float) * full);
                }
                sample.fusedGradient(uPlanes, gxi, gMeanA, gMeanB);
            }
            copyPlanes(gMeanA, gA.data_ptr<float>() + std::size_t(i) * std::size_t(k) * low);
            copyPlanes(gMeanB, gB.data_ptr<float>() + std::size_t(i) * std::size_t(k) * low);
        }
        // Back through the guided-filter coefficients and the network (LibTorch), then the area average.
        std::vector<at::Tensor> wrt{lowLeaf};
        at::Tensor activation;
        if (capture) {
            activation = activations.at(request.layer);
            wrt.push_back(activation);
        }
        const std::vector<at::Tensor> grads = torch::autograd::grad({meanA, meanB}, wrt, {gA.to(meanA.dtype()), gB.to(meanB.dtype())},
                                                                    false, false, /*allow_unused=*/true);
        if (request.gradient && grads[0].defined()) {
            const at::Tensor gLow = grads[0].to(at::kFloat).contiguous();
            for (std::int64_t i = 0; i < b * k; ++i)
                splitAreaDownTransposedAdd(m_geometry, gLow.data_ptr<float>() + std::size_t(i) * 3 * low,
                                           gx.data_ptr<float>() + std::size_t(i) * 3 * full);
        }
        if (request.gradient) out.gradient = gx;
        if (capture) {
            out.activation = activation.detach().to(at::kFloat);
            out.activationGradient = grads[1].defined() ? grads[1].to(at::kFloat) : at::zeros_like(out.activation);
        }
        return out;
    }

    std::size_t bytesPerItem(const at::Tensor& item, bool gradient) const override
    {
        // The item and its gradient at full resolution, plus the network's graph at low resolution
        // (autograd keeps about 24 feature maps of C channels per input at the network's size).
        const std::size_t full = std::size_t(item.numel()) * sizeof(float);
        return full * (gradient ? 2 : 1) + networkBytesPerItem(int(item.size(0)));
    }

    at::Tensor pathGradient(const at::Tensor& xIn, const at::Tensor& baselineIn, const std::vector<double>& alphas,
                            const std::vector<double>& weights, const BatchContext& context) const override
    {
        if (!m_target.linear) return ScalarFunction::pathGradient(xIn, baselineIn, alphas, weights, context);
        const at::Tensor x = xIn.to(at::kCPU, at::kFloat).contiguous();
        const at::Tensor start = baselineIn.to(at::kCPU, at::kFloat).contiguous();
        const at::Tensor delta = (x - start).contiguous();
        check(x.unsqueeze(0));
        const auto k = x.size(0);
        const int lh = m_geometry.lowHeight, lw = m_geometry.lowWidth;
        const std::size_t low = std::size_t(lw) * std::size_t(lh);
        SplitPathIntegral path(m_geometry, m_detail, m_linear, start.data_ptr<float>(), delta.data_ptr<float>(), int(k));
        at::Tensor lowGradient = at::zeros({k, 3, lh, lw}, kFloatCpu);
        // Per step only the network's graph is held (the full-resolution part is accumulated).
        const int count = int(alphas.size());
        const int batch = batchSizeFor(networkBytesPerItem(int(k)), context.memoryBudgetBytes);
        if (context.stats) context.stats->batchSize = std::max(context.stats->batchSize, std::min(batch, count));
        for (int first = 0; first < count; first += batch) {
            const int n = std::min(batch, count - first);
            at::Tensor lowIn = at::empty({n, k, 3, lh, lw}, kFloatCpu);
            for (int i = 0; i < n; ++i) path.networkInput(alphas[std::size_t(first + i)], lowIn[i].data_ptr<float>());
            const at::Tensor lowLeaf = lowIn.requires_grad_(true);
            const auto [meanA, meanB] = coefficients(lowLeaf, nullptr);
            const at::Tensor a = meanA.detach().to(at::kFloat).contiguous(), b = meanB.detach().to(at::kFloat).contiguous();
            at::Tensor gA = at::empty(a.sizes(), kFloatCpu), gB = at::empty(b.sizes(), kFloatCpu);
            for (int i = 0; i < n; ++i) {
                std::vector<Plane> gMeanA, gMeanB;
                path.accumulate(alphas[std::size_t(first + i)], weights[std::size_t(first + i)], planesOf(a[i]), planesOf(b[i]), gMeanA, gMeanB);
                copyPlanes(gMeanA, gA[i].data_ptr<float>());
                copyPlanes(gMeanB, gB[i].data_ptr<float>());
            }
            const at::Tensor gLow = torch::autograd::grad({meanA, meanB}, {lowLeaf}, {gA.to(meanA.dtype()), gB.to(meanB.dtype())})[0];
            for (int i = 0; i < n; ++i) lowGradient.add_(gLow[i].to(at::kFloat), weights[std::size_t(first + i)]);
            if (context.stats) {
                ++context.stats->passes;
                context.stats->items += n;
            }
            if (context.progress) {
                context.progress->report(context.begin + (context.end - context.begin) * double(first + n) / double(count), context.stage);
                context.progress->checkCancelled();
            }
        }
        at::Tensor gx = at::empty(x.sizes(), kFloatCpu);
        path.finish(lowGradient.contiguous().data_ptr<float>(), gx.data_ptr<float>());
        (void)low;
        return gx;
    }
    std::size_t bytesPerItem(const at::Tensor& item) const override { return bytesPerItem(item, false); }

    at::Tensor fuse(const at::Tensor& xIn) const override
    {
        const at::Tensor x = xIn.to(at::kCPU, at::kFloat).contiguous();
        check(x);
        const auto b = x.size(0), k = x.size(1);
        const int lh = m_geometry.lowHeight, lw = m_geometry.lowWidth;
        const std::size_t full = std::size_t(m_geometry.width) * std::size_t(m_geometry.height);
        const std::size_t low = std::size_t(lw) * std::size_t(lh);
        at::Tensor lowIn = at::empty({b, k, 3, lh, lw}, kFloatCpu);
        for (std::int64_t i = 0; i < b * k; ++i)
            splitAreaDown(m_geometry, x.data_ptr<float>() + std::size_t(i) * 3 * full, lowIn.data_ptr<float>() + std::size_t(i) * 3 * low);
        at::Tensor meanA, meanB;
        {
            c10::InferenceMode inference;
            std::tie(meanA, meanB) = coefficients(lowIn, nullptr);
            meanA = meanA.to(at::kFloat).contiguous();
            meanB = meanB.to(at::kFloat).contiguous();
        }
        at::Tensor out = at::empty({b, 3, m_geometry.height, m_geometry.width}, kFloatCpu);
        for (std::int64_t i = 0; i < b; ++i) {
            SplitSample sample(m_geometry, m_detail, x[i].data_ptr<float>(), int(k), planesOf(meanA[i]), planesOf(meanB[i]));
            out[i].copy_(tensorOfPlanes(sample.fused()));
        }
        return out;
    }

private:
    static std::pair<int, int> lowSize(const FusionNetImpl& net, int widthPx, int heightPx)
    {
        return lowResSize(heightPx, widthPx, net.config().lowResLongSidePx);
    }

    void check(const at::Tensor& x) const
    {
        if (x.dim() != 5 || x.size(2) != 3 || x.size(3) != m_geometry.height || x.size(4) != m_geometry.width ||
            x.size(1) != std::int64_t(m_modalities.size()))
            throw Error("internal: split engine input must be [B,K,3,H,W] of the prepared size");
    }

    std::size_t networkBytesPerItem(int inputs) const
    {
        return std::size_t(inputs) * std::size_t(m_geometry.lowWidth) * std::size_t(m_geometry.lowHeight) *
               std::size_t(m_net.config().featureChannels) * sizeof(float) * 24;
    }

    std::pair<at::Tensor, at::Tensor> coefficients(const at::Tensor& low, Activations* activations) const
    {
        const NetOutput out = m_net.forwardLow(low, m_modalities, activations);
        const FusionNetConfig& cfg = m_net.config();
        // The guide as one weighted sum (greyOf's three selects would each fill a zero tensor of
        // the whole batch on the way back); the same grey weights.
        const at::Tensor greyWeights =
            at::tensor({float(kGreyR), float(kGreyG), float(kGreyB)}, low.options().requires_grad(false)).reshape({1, 1, 3, 1, 1});
        const at::Tensor guide = (low * greyWeights).sum(2);
        const GuidedCoefficients gc = guidedCoefficients(guide, out.weights, cfg.guidedRadiusPx, cfg.guidedEpsilon);
        return {gc.meanA, gc.meanB};
    }

    double valueOf(SplitSample& sample) const
    {
        if (m_target.linear) return sample.linearValue(m_linear);
        c10::InferenceMode inference;
        return targetOfFused(m_target, tensorOfPlanes(sample.fused()).unsqueeze(0)).item<double>();
    }

    FusionNetImpl& m_net;
    std::vector<Modality> m_modalities;
    ResolvedTarget m_target;
    SplitGeometry m_geometry;
    SplitDetailTerm m_detail;
    SplitLinearTarget m_linear;
};

// LibTorch autograd through fuseTensors (any device).
class AutogradFusionImages final : public ImageFunction {
public:
    AutogradFusionImages(FusionNetImpl& net, std::vector<Modality> modalities, int lowH, int lowW, int levels, c10::Device device)
        : m_net(net), m_modalities(std::move(modalities)), m_lowH(lowH), m_lowW(lowW), m_levels(levels), m_device(device)
    {
    }
    at::Tensor fuse(const at::Tensor& x) const override
    {
        c10::InferenceMode inference;
        return fuseTensors(m_net, x.to(m_device, at::kFloat), m_modalities, m_lowH, m_lowW, m_levels).fused.to(at::kCPU, at::kFloat);
    }
    std::size_t bytesPerItem(const at::Tensor& item) const override { return std::size_t(item.numel()) * 48; }

private:
    FusionNetImpl& m_net;
    std::vector<Modality> m_modalities;
    int m_lowH, m_lowW, m_levels;
    c10::Device m_device;
};

} // namespace

ResolvedTarget resolveTarget(const AttributionTarget& target, const at::Tensor& inputs, const std::vector<Modality>& modalities)
{
    const int k = int(inputs.size(0)), h = int(inputs.size(2)), w = int(inputs.size(3));
    target.validate(w, h);
    if (int(modalities.size()) != k) throw Error("one modality per input is needed");
    ResolvedTarget r;
    r.quantity = target.quantity;
    r.lossTerm = target.lossTerm;
    r.modalities = modalities;
    at::Tensor m = at::zeros({h, w}, kFloatCpu);
    switch (target.region) {
    case TargetRegion::WholeImage: m.fill_(1.0); break;
    case TargetRegion::Pixel: m[target.rect.y][target.rect.x] = 1.0; break;
    case TargetRegion::Rectangle:
        m.narrow(0, target.rect.y, target.rect.height).narrow(1, target.rect.x, target.rect.width).fill_(1.0);
        break;
    case TargetRegion::Mask: {
        float* dst = m.data_ptr<float>();
        for (int y = 0; y < h; ++y)
            for (int x = 0; x < w; ++x) dst[std::size_t(y) * w + x] = std::max(0.0f, target.mask.at(x, y, 0));
        break;
    }
    }
    r.spatial = m / m.sum();
    switch (target.quantity) {
    case TargetQuantity::MeanRgb: r.channelWeights = {1.0f / 3, 1.0f / 3, 1.0f / 3}; break;
    case TargetQuantity::Luminance: r.channelWeights = {float(kGreyR), float(kGreyG), float(kGreyB)}; break;
    case TargetQuantity::Red: r.channelWeights = {1.0f, 0.0f, 0.0f}; break;
    case TargetQuantity::Green: r.channelWeights = {0.0f, 1.0f, 0.0f}; break;
    case TargetQuantity::Blue: r.channelWeights = {0.0f, 0.0f, 1.0f}; break;
    case TargetQuantity::MefSsim:
    case TargetQuantity::LossTerm: r.linear = false; break;
    }
    if (!r.linear) {
        r.references = inputs.to(at::kFloat).contiguous();
        r.referenceGreyCodes = greyCodesOf(r.references).unsqueeze(0);
    }
    if (h >= 11 && w >= 11) {
        // Each pixel's weight goes to the 11×11 window centred on it, or the nearest one inside.
        at::Tensor ww = at::zeros({h - 10, w - 10}, kFloatCpu);
        const float* src = r.spatial.data_ptr<float>();
        float* dst = ww.data_ptr<float>();
        for (int y = 0; y < h; ++y)
            for (int x = 0; x < w; ++x) {
                const float v = src[std::size_t(y) * w + x];
                if (v == 0.0f) continue;
                const int cy = std::clamp(y - 5, 0, h - 11), cx = std::clamp(x - 5, 0, w - 11);
                dst[std::size_t(cy) * (w - 10) + cx] += v;
            }
        r.windowWeights = ww / ww.sum();
    }
    return r;
}

at::Tensor targetOfFused(const ResolvedTarget& t, const at::Tensor& fused)
{
    const auto device = fused.device();
    if (t.linear) {
        const at::Tensor kappa = at::tensor(std::vector<float>(t.channelWeights.begin(), t.channelWeights.end()), kFloatCpu)
                                     .to(device, fused.scalar_type()).reshape({1, 3, 1, 1});
        return ((fused * kappa).sum(1) * t.spatial.to(device, fused.scalar_type())).sum({1, 2});
    }
    const auto b = fused.size(0);
    auto refGrey = [&] {
        const at::Tensor g = t.referenceGreyCodes.to(device, fused.scalar_type());
        return g.expand({b, g.size(1), g.size(2), g.size(3)});
    };
    if (t.quantity == TargetQuantity::MefSsim) {
        if (!t.windowWeights.defined()) throw Error("MEF-SSIM needs images of at least 11×11 pixels");
        const at::Tensor q = mefSsimMap(refGrey(), greyOf(fused) * 255.0);
        return (q * t.windowWeights.to(device, fused.scalar_type())).sum({1, 2});
    }
    // The objective's λ as the training parameters declare them (their specs' defaults).
    static const TrainingSettings settings = TrainingSettings::fromValues({});
    switch (t.lossTerm) {
    case LossTermKind::L1: {
        int exposures = 0;
        for (Modality m : t.modalities) exposures += m == Modality::Exposure;
        at::Tensor total = at::zeros({b}, fused.options());
        const at::Tensor refs = t.references.to(device, fused.scalar_type());
        for (std::size_t i = 0; i < t.modalities.size(); ++i) {
            double lambda = 0.0;
            switch (t.modalities[i]) {
            case Modality::Exposure: lambda = 1.0 / double(std::max(1, exposures)); break;
            case Modality::Frame: lambda = settings.l1Frame; break;
            case Modality::EFrame: lambda = settings.l1EFrame; break;
            case Modality::Event: lambda = settings.l1Event; break;
            }
            total = total + lambda * (fused - refs[std::int64_t(i)].unsqueeze(0)).abs().mean({1, 2, 3});
        }
        return total;
    }
    case LossTermKind::SpatialFrequency: return 1.0 - spatialFrequency(greyOf(fused));
    case LossTermKind::MefSsimLoss: return 1.0 - mefSsimScore(refGrey(), greyOf(fused) * 255.0, settings.mefWindowStride);
    }
    throw Error("internal: unknown loss term");
}

std::vector<int> fusionLayerInputs(const FusionNetImpl& net, const std::string& layer, const std::vector<Modality>& modalities)
{
    const std::vector<std::string> names = net.layerNames();
    if (std::find(names.begin(), names.end(), layer) == names.end()) throwUnknownLayer(layer, names);
    std::vector<int> rows;
    if (layer.rfind("encoder.", 0) == 0) {
        const std::string modality = layer.substr(8, layer.find('.', 8) - 8);
        for (std::size_t i = 0; i < modalities.size(); ++i)
            if (toString(modalities[i]) == modality) rows.push_back(int(i));
    } else {
        for (std::size_t i = 0; i < modalities.size(); ++i) rows.push_back(int(i));
    }
    return rows;
}

FusionNet copyNetwork(FusionNetImpl& net, const c10::Device& device)
{
    FusionNet copy(net.config());
    {
        at::NoGradGuard noGrad;
        const auto src = net.namedParams();
        const auto dst = copy->namedParams();
        for (std::size_t i = 0; i < src.size(); ++i) dst[i].second.copy_(src[i].second);
    }
    copy->to(device);
    copy->eval();
    for (auto& p : copy->parameters()) p.set_requires_grad(false);
    return copy;
}

FusionFunctions makeFusionFunctions(FusionNetImpl& net, const std::vector<Modality>& modalities, int widthPx, int heightPx,
                                    const ResolvedTarget& target, const ComputeOptions& compute)
{
    const c10::Device device = resolveDevice(compute.device);
    FusionFunctions f;
    f.device = deviceName(device);
    const bool split = compute.engine == AttributionEngine::Split || (compute.engine == AttributionEngine::Auto && device.is_cpu());
    if (split) {
        if (!device.is_cpu()) throw Error("the split attribution engine runs on the CPU (use --device cpu, or the autograd engine)");
        auto engine = std::make_shared<SplitFusion>(net, modalities, widthPx, heightPx, target);
        f.scalar = engine;
        f.image = engine;
        f.engine = "split";
        return f;
    }
    FusionNetImpl* model = &net;
    if (!device.is_cpu()) {
        f.deviceCopy = copyNetwork(net, device);
        model = f.deviceCopy.ptr().get();
    }
    const auto [lowH, lowW] = lowResSize(heightPx, widthPx, net.config().lowResLongSidePx);
    const int levels = fusionLevels(widthPx, heightPx);
    const std::vector<std::string> layers = net.layerNames();
    TorchForward forward = [model, modalities, lowH, lowW, levels, target, device](const at::Tensor& x, Activations* acts) {
        const FusedTensors fused = fuseTensors(*model, x.to(device), modalities, lowH, lowW, levels, {}, acts);
        return targetOfFused(target, fused.fused);
    };
    LayerInputsFn rows = [model, modalities](const std::string& layer, int) { return fusionLayerInputs(*model, layer, modalities); };
    f.scalar = std::make_shared<AutogradFunction>(forward, layers, rows, /*bytesPerInputSample=*/160.0);
    f.image = std::make_shared<AutogradFusionImages>(*model, modalities, lowH, lowW, levels, device);
    f.engine = "autograd";
    return f;
}

} // namespace fuselab::learn::detail
