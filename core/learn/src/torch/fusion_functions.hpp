// Internal (torch): the fusion network as a function for attribution — a target (one number
// computed from the fused image) and the fused images themselves — in two engines:
//   split    (CPU): LibTorch runs the network at its low resolution; the full-resolution weights
//            and Laplacian blend run in full_res/split_fusion (plain C++, hand-written adjoints);
//   autograd (any device): LibTorch autograd through net.cpp's fuseTensors, the reference.
#pragma once

#include "attribution_engine.hpp"
#include "fuselab/learn/attribution.hpp"
#include "net.hpp"

#include <array>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace fuselab::learn::detail {

/// An AttributionTarget made concrete for one input size.
struct ResolvedTarget {
    TargetQuantity quantity = TargetQuantity::MeanRgb;
    LossTermKind lossTerm = LossTermKind::L1;
    bool linear = true;                ///< Σ_p m(p) Σ_c κ_c fused(p, c)
    at::Tensor spatial;                ///< [H,W] float, Σ = 1: the region's weights m
    std::array<float, 3> channelWeights{1.0f / 3, 1.0f / 3, 1.0f / 3}; ///< κ
    at::Tensor references;             ///< [K,3,H,W] float: the original inputs (MEF-SSIM, L1)
    at::Tensor referenceGreyCodes;     ///< [1,K,H,W] the MEF-SSIM drivers' rounded grey of the references
    at::Tensor windowWeights;          ///< [H−10,W−10] float, Σ = 1: the region seen by 11×11 windows (MEF-SSIM, SSIM scoring)
    std::vector<Modality> modalities;
};

/// inputs: [K,3,H,W] float on the CPU (the original inputs).
ResolvedTarget resolveTarget(const AttributionTarget& target, const at::Tensor& inputs, const std::vector<Modality>& modalities);
/// The target of fused images [B,3,H,W] → [B] (differentiable, on fused's device).
at::Tensor targetOfFused(const ResolvedTarget& target, const at::Tensor& fused);

struct FusionFunctions {
    std::shared_ptr<ScalarFunction> scalar;
    std::shared_ptr<ImageFunction> image;
    std::string engine; ///< "split" or "autograd"
    std::string device; ///< "cpu", "cuda:0"
    FusionNet deviceCopy{nullptr}; ///< the network's copy on a GPU (kept alive with the functions)
};

/// The engine and device chosen by `compute` (split on the CPU unless autograd is asked for).
/// `net` must outlive the functions.
FusionFunctions makeFusionFunctions(FusionNetImpl& net, const std::vector<Modality>& modalities, int widthPx, int heightPx,
                                    const ResolvedTarget& target, const ComputeOptions& compute);

/// A copy of `net` with the same weights on `device`, parameters not requiring gradients, eval mode.
FusionNet copyNetwork(FusionNetImpl& net, const c10::Device& device);

/// The network inside a FusionModel made by fuselab_learn (fusion_model.cpp); throws fuselab::Error otherwise.
FusionNetImpl& networkOf(const FusionModel& model);
/// A FusionModel owning a copy of `net`'s weights (fusion_model.cpp).
std::unique_ptr<FusionModel> snapshotModel(FusionNetImpl& net, std::map<std::string, std::string> metadata);

/// The inputs of a network layer (encoder layers hold their modality's inputs; decoder ones all).
std::vector<int> fusionLayerInputs(const FusionNetImpl& net, const std::string& layer, const std::vector<Modality>& modalities);

} // namespace fuselab::learn::detail
