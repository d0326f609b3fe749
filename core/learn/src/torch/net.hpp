// Internal (torch): the fusion network (see network_config.hpp for the architecture), its
// guided-filter upsampling, the whole differentiable fusion used by training and by GPU
// inference, and the MI heads of the objective (SPEC §5).
#pragma once

#include "fuselab/learn/modality.hpp"
#include "fuselab/learn/network_config.hpp"

#include <torch/nn/module.h>
#include <torch/nn/modules/conv.h>
#include <torch/nn/modules/linear.h>
#include <torch/nn/pimpl.h>

#include <map>
#include <string>
#include <vector>

namespace fuselab::learn::detail {

using Activations = std::map<std::string, at::Tensor>;

/// Per-modality encoder: conv1 3×3 (3→C) at the low resolution, conv2 3×3 stride 2 (C→2C),
/// conv3 3×3 dilation 2, conv4 3×3 dilation 4 (2C→2C); LeakyReLU(0.2) after each.
struct EncoderImpl : torch::nn::Module {
    explicit EncoderImpl(int channels);
    torch::nn::Conv2d conv1{nullptr}, conv2{nullptr}, conv3{nullptr}, conv4{nullptr};
};
TORCH_MODULE(Encoder);

/// Shared decoder: mix 1×1 (8C→2C) over [own features, mean and max over inputs, global mean],
/// context 3×3 dilation 2 (2C→2C), refine 3×3 (2C→C), ×2 bilinear, logits 3×3 over
/// [refined, conv1 skip] (2C→1).
struct DecoderImpl : torch::nn::Module {
    explicit DecoderImpl(int channels);
    torch::nn::Conv2d mix{nullptr}, context{nullptr}, refine{nullptr}, logits{nullptr};
};
TORCH_MODULE(Decoder);

struct NetOutput {
    at::Tensor logits;                 ///< [B,K,h,w]
    at::Tensor weights;                ///< softmax over K, [B,K,h,w]
    std::vector<at::Tensor> features;  ///< per input: its encoder's conv4 output [B,2C,⌈h/2⌉,⌈w/2⌉]
};

class FusionNetImpl : public torch::nn::Module {
public:
    explicit FusionNetImpl(const FusionNetConfig& config);
    const FusionNetConfig& config() const { return m_config; }
    /// low: [B,K,3,h,w] in [0,1]. modalities: K entries, each with an encoder.
    NetOutput forwardLow(const at::Tensor& low, const std::vector<Modality>& modalities,
                         Activations* activations = nullptr);
    std::vector<std::string> layerNames() const;
    /// Parameters in a stable order (registration order), with their dotted names.
    std::vector<std::pair<std::string, at::Tensor>> namedParams() const;
    /// Detail term (config().detailTerm): β = softplus(raw) ≥ 0 and ε = exp(raw) > 0, as tensors
    /// (differentiable) and as numbers.
    at::Tensor detailExponent() const;
    at::Tensor detailFloor() const;

private:
    FusionNetConfig m_config;
    std::shared_ptr<torch::nn::Module> m_encoders;
    std::map<Modality, Encoder> m_encoderOf;
    Decoder m_decoder{nullptr};
    at::Tensor m_detailExponentRaw, m_detailFloorLog;
};
TORCH_MODULE(FusionNet);

/// Low-resolution size for a long side of at most longSidePx (never enlarged).
std::pair<int, int> lowResSize(int heightPx, int widthPx, int longSidePx);

struct GuidedCoefficients {
    at::Tensor meanA, meanB; ///< [B,K,h,w]: full-resolution weight = up(meanA)·guide + up(meanB)
};
/// Fast guided filter (He & Sun 2015) of `weights` with `guide` (both [B,K,h,w]) at the low resolution.
GuidedCoefficients guidedCoefficients(const at::Tensor& guide, const at::Tensor& weights, int radiusPx, double epsilon);
/// |3×3 Laplacian| (4-neighbour, reflect-101 borders) of grey [B,K,H,W].
at::Tensor laplacianMagnitude(const at::Tensor& grey);
/// relu(up(meanA)·guideFull + up(meanB)) + 1e-6, times (contrast + ε)^β when contrast is
/// defined, normalised over K: [B,K,H,W].
at::Tensor fullResWeights(const GuidedCoefficients& coefficients, const at::Tensor& guideFull,
                          const at::Tensor& contrast = {}, const at::Tensor& exponent = {}, const at::Tensor& floor = {});

struct FusedTensors {
    at::Tensor fused;   ///< [B,C,H,W]
    at::Tensor weights; ///< [B,K,H,W]
    NetOutput net;
};
/// The whole network fusion, differentiable: inputs [B,K,3,H,W] in [0,1] (blendInputs [B,K,C,H,W],
/// defaults to inputs), network at lowH × lowW, pyramid of `levels` (0 = as many as fit to 2 px).
FusedTensors fuseTensors(FusionNetImpl& net, const at::Tensor& inputs, const std::vector<Modality>& modalities,
                         int lowH, int lowW, int levels, const at::Tensor& blendInputs = {},
                         Activations* activations = nullptr);

/// One MI head: conv 4×4 stride 2 (2C→C), conv 4×4 stride 2 (C→C), adaptive average pool to
/// 4×4 (any input size), flatten, μ = tanh(fc1(f)), log σ² = tanh(fc2(f)).
struct MiHeadImpl : torch::nn::Module {
    MiHeadImpl(int featureChannels, int latent);
    std::pair<at::Tensor, at::Tensor> forward(const at::Tensor& features);
    torch::nn::Conv2d conv1{nullptr}, conv2{nullptr};
    torch::nn::Linear fc1{nullptr}, fc2{nullptr};
};
TORCH_MODULE(MiHead);

/// The MI estimators, one per modality pair ("exposure_exposure", "frame_event",
/// "frame_eframe", "event_eframe"), each with its own X and Y heads.
class MiHeadsImpl : public torch::nn::Module {
public:
    MiHeadsImpl(const std::vector<Modality>& modalities, int featureChannels, int latent);
    int latent() const { return m_latent; }
    /// The heads of pair `key`; throws when absent.
    std::pair<MiHead, MiHead> heads(const std::string& key) const;
    bool has(const std::string& key) const { return m_pairs.count(key) != 0; }
    std::vector<std::pair<std::string, at::Tensor>> namedParams() const;

private:
    int m_latent;
    std::map<std::string, std::pair<MiHead, MiHead>> m_pairs;
};
TORCH_MODULE(MiHeads);

/// "exposure_exposure", "frame_event", … (modalities in enum order).
std::string miPairKey(Modality a, Modality b);

} // namespace fuselab::learn::detail
