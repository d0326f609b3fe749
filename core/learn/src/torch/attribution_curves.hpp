// Internal (torch): deletion/insertion and PIC curves over any ImageFunction, so tests can
// score hand-built models; the public functions of attribution.hpp wrap the fusion network.
#pragma once

#include "attribution_engine.hpp"
#include "fusion_functions.hpp"
#include "fuselab/learn/attribution.hpp"

#include <memory>
#include <optional>
#include <vector>

namespace fuselab::learn::detail {

struct CurveInputs;

/// What the full inputs give — their fused output (the SSIM score's reference) and the explained
/// target's value (the target score's 1) — evaluated on first use and then shared by every curve
/// of the scene. Not thread-safe: a scene's curves ask for them from one thread.
class FullInputsMemo {
public:
    const at::Tensor& fused(const CurveInputs& inputs); ///< [3,H,W]
    double target(const CurveInputs& inputs);

private:
    at::Tensor m_fused;
    std::optional<double> m_target;
};

struct CurveInputs {
    at::Tensor x;             ///< [K,3,H,W] float, the full inputs
    at::Tensor importance;    ///< [K·H·W] float, the attribution of every (input, pixel) pair
    at::Tensor windowWeights; ///< [H−10,W−10] float, Σ = 1: where the SSIM score looks
    bool meanTarget = false;  ///< the target is a (weighted) mean of the output, which a blur keeps
    std::shared_ptr<ImageFunction> image;
    FusionFunctions functions; ///< keeps a fusion engine alive when image comes from one
    std::shared_ptr<FullInputsMemo> full = std::make_shared<FullInputsMemo>();
};

/// Scored by a mean target, curves start from removed pixels (the deletion value) instead of a
/// blurred or interpolated image, which would keep the mean and leave nothing to score.
bool startsFromRemovedPixels(const CurveInputs& inputs, const CurveOptions& options);

/// The curves of several rankings of one scene (importances: [K·H·W] each; inputs.importance is
/// not used): the fused reference, the starts, the ends and PIC's random start are computed once.
/// onPoint's mapSet is the index into importances.
std::vector<DeletionInsertionResult> deletionInsertionForEach(const CurveInputs& inputs, const std::vector<at::Tensor>& importances,
                                                              const DeletionInsertionOptions& options, ProgressSink& progress,
                                                              const CurveCallback& onPoint);
std::vector<PicResult> picCurvesForEach(const CurveInputs& inputs, const std::vector<at::Tensor>& importances, const PicOptions& options,
                                        ProgressSink& progress, const CurveCallback& onPoint);

/// One ranking: inputs.importance.
DeletionInsertionResult deletionInsertionOn(const CurveInputs& inputs, const DeletionInsertionOptions& options, ProgressSink& progress,
                                            const CurveCallback& onPoint);
PicResult picCurvesOn(const CurveInputs& inputs, const PicOptions& options, ProgressSink& progress, const CurveCallback& onPoint);

} // namespace fuselab::learn::detail
