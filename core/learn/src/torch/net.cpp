#include "net.hpp"

#include "fuselab/base/error.hpp"
#include "guided_relu.hpp"
#include "pyramid_torch.hpp"
#include "tensor_utils.hpp"

#include <ATen/ATen.h>

#include <algorithm>
#include <cmath>

namespace fuselab::learn::detail {
namespace {

namespace nn = torch::nn;

nn::Conv2d conv(int in, int out, int kernel, int stride = 1, int dilation = 1)
{
    const int padding = dilation * (kernel - 1) / 2;
    return nn::Conv2d(nn::Conv2dOptions(in, out, kernel).stride(stride).padding(padding).dilation(dilation));
}

// Leaky ReLU(0.2); guided inside a GuidedBackpropScope (attribution).
at::Tensor lrelu(const at::Tensor& x)
{
    return rectifier(x, 0.2);
}

} // namespace

EncoderImpl::EncoderImpl(int c)
{
    conv1 = register_module("conv1", conv(3, c, 3));
    conv2 = register_module("conv2", conv(c, 2 * c, 3, 2));
    conv3 = register_module("conv3", conv(2 * c, 2 * c, 3, 1, 2));
    conv4 = register_module("conv4", conv(2 * c, 2 * c, 3, 1, 4));
}

DecoderImpl::DecoderImpl(int c)
{
    mix = register_module("mix", conv(8 * c, 2 * c, 1));
    context = register_module("context", conv(2 * c, 2 * c, 3, 1, 2));
    refine = register_module("refine", conv(2 * c, c, 3));
    logits = register_module("logits", conv(2 * c, 1, 3));
    // Small final weights: training starts near equal weights (the average of the inputs).
    at::NoGradGuard noGrad;
    logits->weight.mul_(0.1);
    logits->bias.zero_();
}

FusionNetImpl::FusionNetImpl(const FusionNetConfig& config) : m_config(config)
{
    m_config.validate();
    m_encoders = register_module("encoder", std::make_shared<nn::Module>());
    for (Modality m : m_config.modalities) {
        Encoder e(m_config.featureChannels);
        m_encoders->register_module(std::string(toString(m)), e);
        m_encoderOf.emplace(m, e);
    }
    m_decoder = register_module("decoder", Decoder(m_config.featureChannels));
    if (m_config.detailTerm) {
        // Start as Mertens's contrast term: β = 1 (softplus(0.5413) = 1), ε = 2e-3 (about half an 8-bit step).
        m_detailExponentRaw = register_parameter("detail_exponent", at::full({1}, 0.5413248546129181));
        m_detailFloorLog = register_parameter("detail_floor", at::full({1}, std::log(2e-3)));
    }
}

at::Tensor FusionNetImpl::detailExponent() const
{
    return at::softplus(m_detailExponentRaw);
}

at::Tensor FusionNetImpl::detailFloor() const
{
    return at::exp(m_detailFloorLog);
}

std::vector<std::string> FusionNetImpl::layerNames() const
{
    std::vector<std::string> names;
    for (Modality m : m_config.modalities)
        for (const char* l : {"conv1", "conv2", "conv3", "conv4"}) names.push_back("encoder." + std::string(toString(m)) + "." + l);
    for (const char* l : {"mix", "context", "refine", "logits"}) names.push_back(std::string("decoder.") + l);
    return names;
}

std::vector<std::pair<std::string, at::Tensor>> FusionNetImpl::namedParams() const
{
    std::vector<std::pair<std::string, at::Tensor>> out;
    for (const auto& item : named_parameters(/*recurse=*/true)) out.emplace_back(item.key(), item.value());
    return out;
}

NetOutput FusionNetImpl::forwardLow(const at::Tensor& low, const std::vector<Modality>& modalities, Activations* acts)
{
    if (low.dim() != 5 || low.size(2) != 3) throw Error("network input must be [B,K,3,h,w]");
    const std::int64_t b = low.size(0), k = low.size(1), h = low.size(3), w = low.size(4);
    if (std::int64_t(modalities.size()) != k) throw Error("one modality per input is needed");
    const std::int64_t c = m_config.featureChannels;
    const at::Tensor x = low * 2.0 - 1.0;

    std::vector<at::Tensor> skips(static_cast<std::size_t>(k)), feats(static_cast<std::size_t>(k));
    // One modality holding every input (an exposure stack) needs no gather: the encoder's output
    // is already [B,K,…] in input order. Skipping select/stack keeps autograd from filling a
    // zero tensor of the whole batch per input on the way back (measured: a third of a batched
    // attribution pass on the CPU); values are identical.
    at::Tensor featAll, skipAll;
    for (const auto& [modality, holder] : m_encoderOf) {
        EncoderImpl& encoder = *holder.ptr();
        std::vector<std::int64_t> idx;
        for (std::int64_t i = 0; i < k; ++i)
            if (modalities[std::size_t(i)] == modality) idx.push_back(i);
        if (idx.empty()) continue;
        const std::int64_t km = std::int64_t(idx.size());
        const at::Tensor xi =
            km == k ? x.reshape({b * k, 3, h, w})
                    : x.index_select(1, at::tensor(idx, at::TensorOptions().dtype(at::kLong)).to(x.device())).reshape({b * km, 3, h, w});
        const std::string prefix = "encoder." + std::string(toString(modality)) + ".";
        at::Tensor a1 = lrelu(encoder.conv1->forward(xi));
        at::Tensor a2 = lrelu(encoder.conv2->forward(a1));
        at::Tensor a3 = lrelu(encoder.conv3->forward(a2));
        at::Tensor a4 = lrelu(encoder.conv4->forward(a3));
        if (acts) {
            (*acts)[prefix + "conv1"] = a1;
            (*acts)[prefix + "conv2"] = a2;
            (*acts)[prefix + "conv3"] = a3;
            (*acts)[prefix + "conv4"] = a4;
        }
        const at::Tensor s = a1.reshape({b, km, c, h, w});
        const at::Tensor f = a4.reshape({b, km, 2 * c, a4.size(2), a4.size(3)});
        if (km == k) {
            skipAll = s;
            featAll = f;
        }
        for (std::int64_t j = 0; j < km; ++j) {
            skips[std::size_t(idx[std::size_t(j)])] = s.select(1, j);
            feats[std::size_t(idx[std::size_t(j)])] = f.select(1, j);
        }
    }
    for (std::int64_t i = 0; i < k; ++i)
        if (!feats[std::size_t(i)].defined())
            throw Error("this network has no encoder for modality '" + std::string(toString(modalities[std::size_t(i)])) + "'");

    if (!featAll.defined()) {
        featAll = at::stack(feats, 1); // [B,K,2C,h2,w2]
        skipAll = at::stack(skips, 1); // [B,K,C,h,w]
    }
    const std::int64_t h2 = featAll.size(3), w2 = featAll.size(4);
    const at::Tensor meanF = featAll.mean(1);
    const at::Tensor maxF = std::get<0>(featAll.max(1));
    const at::Tensor globalF = featAll.mean({1, 3, 4}, /*keepdim=*/false).reshape({b, 2 * c, 1, 1}).expand({b, 2 * c, h2, w2});
    const at::Tensor context = at::cat({meanF, maxF, globalF}, 1).unsqueeze(1).expand({b, k, 6 * c, h2, w2});
    const at::Tensor decoderIn = at::cat({featAll, context}, 2).reshape({b * k, 8 * c, h2, w2});

    at::Tensor d1 = lrelu(m_decoder->mix->forward(decoderIn));
    at::Tensor d2 = lrelu(m_decoder->context->forward(d1));
    at::Tensor d3 = lrelu(m_decoder->refine->forward(d2));
    const at::Tensor up = at::upsample_bilinear2d(d3, {h, w}, /*align_corners=*/false);
    // Recorded as [B·K,1,h,w] like every other layer (one row per input), before the reshape, so
    // a gradient with respect to the recorded tensor flows (Grad-CAM at decoder.logits).
    const at::Tensor logitRows = m_decoder->logits->forward(at::cat({up, skipAll.reshape({b * k, c, h, w})}, 1));
    const at::Tensor logits = logitRows.reshape({b, k, h, w});
    if (acts) {
        (*acts)["decoder.mix"] = d1;
        (*acts)["decoder.context"] = d2;
        (*acts)["decoder.refine"] = d3;
        (*acts)["decoder.logits"] = logitRows;
    }
    NetOutput out;
    out.logits = logits;
    out.weights = at::softmax(logits, 1);
    out.features = feats;
    return out;
}

std::pair<int, int> lowResSize(int heightPx, int widthPx, int longSidePx)
{
    const int longSide = std::max(heightPx, widthPx);
    if (longSide <= longSidePx) return {heightPx, widthPx};
    const double s = double(longSidePx) / double(longSide);
    return {std::max(1, int(std::lround(heightPx * s))), std::max(1, int(std::lround(widthPx * s)))};
}

GuidedCoefficients guidedCoefficients(const at::Tensor& guide, const at::Tensor& weights, int radius, double eps)
{
    if (radius <= 0) return {at::zeros_like(weights), weights};
    const auto b = guide.size(0), k = guide.size(1), h = guide.size(2), w = guide.size(3);
    auto box = [&](const at::Tensor& t) {
        return at::avg_pool2d(t.reshape({b * k, 1, h, w}), {2 * radius + 1, 2 * radius + 1}, {1, 1}, {radius, radius},
                              /*ceil_mode=*/false, /*count_include_pad=*/false)
            .reshape({b, k, h, w});
    };
    const at::Tensor meanI = box(guide), meanP = box(weights);
    const at::Tensor varI = box(guide * guide) - meanI * meanI;
    const at::Tensor covIp = box(guide * weights) - meanI * meanP;
    const at::Tensor a = covIp / (varI + eps);
    const at::Tensor bb = meanP - a * meanI;
    return {box(a), box(bb)};
}

at::Tensor laplacianMagnitude(const at::Tensor& grey)
{
    const auto h = grey.size(2), w = grey.size(3);
    const at::Tensor p = at::reflection_pad2d(grey, {1, 1, 1, 1});
    const at::Tensor lap = (p.narrow(2, 0, h).narrow(3, 1, w) + p.narrow(2, 2, h).narrow(3, 1, w)) +
                           (p.narrow(2, 1, h).narrow(3, 0, w) + p.narrow(2, 1, h).narrow(3, 2, w)) - 4.0 * grey;
    return lap.abs();
}

at::Tensor fullResWeights(const GuidedCoefficients& gc, const at::Tensor& guideFull, const at::Tensor& contrast,
                          const at::Tensor& exponent, const at::Tensor& floor)
{
    const auto h = guideFull.size(2), w = guideFull.size(3);
    const at::Tensor a = at::upsample_bilinear2d(gc.meanA, {h, w}, false);
    const at::Tensor b = at::upsample_bilinear2d(gc.meanB, {h, w}, false);
    at::Tensor q = at::relu(a * guideFull + b) + 1e-6;
    if (contrast.defined()) q = q * at::exp(exponent * at::log(contrast + floor));
    return q / q.sum(1, /*keepdim=*/true);
}

FusedTensors fuseTensors(FusionNetImpl& net, const at::Tensor& inputs, const std::vector<Modality>& modalities, int lowH,
                         int lowW, int levels, const at::Tensor& blendInputs, Activations* activations)
{
    const auto b = inputs.size(0), k = inputs.size(1), h = inputs.size(3), w = inputs.size(4);
    const at::Tensor low =
        at::adaptive_avg_pool2d(inputs.reshape({b * k, 3, h, w}), {lowH, lowW}).reshape({b, k, 3, lowH, lowW});
    FusedTensors out;
    out.net = net.forwardLow(low, modalities, activations);
    const FusionNetConfig& cfg = net.config();
    const GuidedCoefficients gc = guidedCoefficients(greyOf(low), out.net.weights, cfg.guidedRadiusPx, cfg.guidedEpsilon);
    const at::Tensor guideFull = greyOf(inputs);
    if (cfg.detailTerm)
        out.weights = fullResWeights(gc, guideFull, laplacianMagnitude(guideFull), net.detailExponent(), net.detailFloor());
    else
        out.weights = fullResWeights(gc, guideFull);
    const int usableLevels = levels > 0 ? levels : autoPyramidLevels(int(w), int(h), 2);
    out.fused = laplacianBlend(blendInputs.defined() ? blendInputs : inputs, out.weights.unsqueeze(2), usableLevels);
    return out;
}

MiHeadImpl::MiHeadImpl(int featureChannels, int latent)
{
    const int c = featureChannels;
    conv1 = register_module("conv1", nn::Conv2d(nn::Conv2dOptions(2 * c, c, 4).stride(2).padding(1)));
    conv2 = register_module("conv2", nn::Conv2d(nn::Conv2dOptions(c, c, 4).stride(2).padding(1)));
    fc1 = register_module("fc1", nn::Linear(16 * c, latent));
    fc2 = register_module("fc2", nn::Linear(16 * c, latent));
}

std::pair<at::Tensor, at::Tensor> MiHeadImpl::forward(const at::Tensor& features)
{
    at::Tensor f = lrelu(conv1->forward(features));
    f = lrelu(conv2->forward(f));
    f = at::adaptive_avg_pool2d(f, {4, 4}).flatten(1);
    return {at::tanh(fc1->forward(f)), at::tanh(fc2->forward(f))};
}

std::string miPairKey(Modality a, Modality b)
{
    if (int(b) < int(a)) std::swap(a, b);
    return std::string(toString(a)) + "_" + std::string(toString(b));
}

MiHeadsImpl::MiHeadsImpl(const std::vector<Modality>& modalities, int featureChannels, int latent) : m_latent(latent)
{
    std::vector<std::string> keys;
    for (std::size_t i = 0; i < modalities.size(); ++i) {
        if (modalities[i] == Modality::Exposure) keys.push_back(miPairKey(Modality::Exposure, Modality::Exposure));
        for (std::size_t j = i + 1; j < modalities.size(); ++j) keys.push_back(miPairKey(modalities[i], modalities[j]));
    }
    for (const std::string& key : keys) {
        if (m_pairs.count(key)) continue;
        MiHead x(featureChannels, latent), y(featureChannels, latent);
        register_module(key + "_x", x);
        register_module(key + "_y", y);
        m_pairs.emplace(key, std::make_pair(x, y));
    }
}

std::pair<MiHead, MiHead> MiHeadsImpl::heads(const std::string& key) const
{
    const auto it = m_pairs.find(key);
    if (it == m_pairs.end()) throw Error("no MI heads for pair '" + key + "'");
    return it->second;
}

std::vector<std::pair<std::string, at::Tensor>> MiHeadsImpl::namedParams() const
{
    std::vector<std::pair<std::string, at::Tensor>> out;
    for (const auto& item : named_parameters(true)) out.emplace_back(item.key(), item.value());
    return out;
}

} // namespace fuselab::learn::detail
