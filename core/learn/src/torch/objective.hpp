// Internal (torch): the terms of the training objective (SPEC §5) and MEF-SSIM (SPEC §4) as
// differentiable tensor functions, plus Mertens's weights for the validation baseline.
#pragma once

#include "fuselab/learn/modality.hpp"
#include "fuselab/learn/training_params.hpp"
#include "net.hpp"

#include <ATen/core/Generator.h>
#include <ATen/core/Tensor.h>

#include <map>
#include <string>
#include <vector>

namespace fuselab::learn::detail {

/// SPEC §4: C = (0.03·255)² (the SSIM contrast constant at L = 255).
inline constexpr double kMefSsimC = (0.03 * 255.0) * (0.03 * 255.0);

/// MEF-SSIM quality map, single scale. inputsGrey [B,K,H,W] and fusedGrey [B,H,W], both grey in
/// [0,255] (inputs as the reference rounds them); returns [B,H−10,W−10]. Differentiable in
/// fusedGrey; every input-only quantity (weights, desired contrast) is a constant. Works in the
/// tensors' dtype (float for training, double for evaluation). stride > 1 evaluates only every
/// stride-th window in each direction (training: an unbiased estimate of the mean at a fraction of
/// the cost; every pixel still lies in many windows); the definition is stride 1.
at::Tensor mefSsimMap(const at::Tensor& inputsGrey, const at::Tensor& fusedGrey, double c = kMefSsimC, int stride = 1);
/// Per-image scores: single scale [B], and multi-scale [B] (3 levels, 2×2 mean + decimate,
/// product of level scores^weights with [0.0448, 0.2856, 0.3001] normalised).
at::Tensor mefSsimScore(const at::Tensor& inputsGrey, const at::Tensor& fusedGrey, int stride = 1);
at::Tensor mefSsimMultiScaleScore(const at::Tensor& inputsGrey, const at::Tensor& fusedGrey, int stride = 1);

/// SF = sqrt(RF² + CF²) per image of grey [B,H,W] (SPEC §4), with 1e-12 under the root so the
/// gradient of a flat image stays finite. Returns [B].
at::Tensor spatialFrequency(const at::Tensor& grey);

/// BCE(σ(z_x), σ(z_y).detach()) + BCE(σ(z_y), σ(z_x).detach()), each summed over batch and latent.
at::Tensor symmetricBceSum(const at::Tensor& zx, const at::Tensor& zy);
/// The same with the targets given (tx for z_x's term, ty for z_y's).
at::Tensor symmetricBceSum(const at::Tensor& zx, const at::Tensor& zy, const at::Tensor& tx, const at::Tensor& ty);
/// KL(N(μx, e^lvx) ‖ N(μy, e^lvy)) for diagonal Gaussians, summed over the latent, averaged over the batch.
at::Tensor gaussianKl(const at::Tensor& muX, const at::Tensor& logvarX, const at::Tensor& muY, const at::Tensor& logvarY);
/// MI(X,Y) of SPEC §5 from the two heads' (μ, log σ²) and standard-normal noise [B,L] for each.
at::Tensor miEstimate(const at::Tensor& muX, const at::Tensor& logvarX, const at::Tensor& muY, const at::Tensor& logvarY,
                      const at::Tensor& noiseX, const at::Tensor& noiseY, std::vector<at::Tensor>* frozenTargets = nullptr,
                      std::size_t* frozenIndex = nullptr);

struct ObjectiveInputs {
    at::Tensor pred;                    ///< [B,3,H,W] fused
    at::Tensor inputs;                  ///< [B,K,3,H,W]
    at::Tensor inputsGreyCodes;         ///< [B,K,H,W], the reference's rounded grey (for MEF-SSIM)
    std::vector<Modality> modalities;   ///< K
    std::vector<at::Tensor> features;   ///< K × [B,2C,h2,w2] (encoder outputs, for MI)
    /// [B,3,H,W] ground truth in the inputs' domain (simulated frame/event data), or undefined.
    at::Tensor truth = at::Tensor();
    /// The BCE targets σ(z).detach() are constants to autograd. When this points to an empty
    /// vector they are recorded into it; when it holds them, they are replayed — so a
    /// finite-difference check can differentiate exactly the function autograd differentiates.
    std::vector<at::Tensor>* frozenBceTargets = nullptr;
};

struct ObjectiveTerms {
    at::Tensor total;                 ///< the weighted sum the optimiser minimises
    at::Tensor l1, sf, sfValue, mi, mefLoss, mefScore; ///< unweighted (0-dim tensors)
    std::map<std::string, at::Tensor> miPairs;         ///< MI per pair key (mean over its pairs)
    /// mean|pred − input| per frame/event modality ("frame", "event", "eframe"), before λ.
    std::map<std::string, at::Tensor> l1PerModality;
    at::Tensor truthL1; ///< mean|pred − truth| (undefined without a truth)
};

/// L = w_l1·L_L1 + w_sf·L_SF + w_mi·L_MI + w_mef·(1 − MEF-SSIM) + w_truth·mean|pred − truth|;
/// MEF-SSIM only when every input is an exposure (else 0), the truth term only with a truth. `generator` draws the reparameterisation noise (on the CPU,
/// then moved, so CPU and CUDA runs draw the same numbers).
ObjectiveTerms computeObjective(const ObjectiveInputs& in, const TrainingSettings& settings, MiHeadsImpl* heads,
                                at::Generator& generator);

/// Mertens et al. 2007 weights (contrast·saturation·well-exposedness, exponents 1, σ 0.2,
/// optimum 0.5, floor 1e-5, normalised) of inputs [B,K,3,H,W] → [B,K,H,W]; the validation baseline.
at::Tensor mertensWeights(const at::Tensor& inputs);

} // namespace fuselab::learn::detail
