// Internal (torch): deletion/insertion and PIC curves over any ImageFunction, so tests can
// score hand-built models; the public functions of attribution.hpp wrap the fusion network.
#pragma once

#include "attribution_engine.hpp"
#include "fusion_functions.hpp"
#include "fuselab/learn/attribution.hpp"

#include <memory>

namespace fuselab::learn::detail {

struct CurveInputs {
    at::Tensor x;             ///< [K,3,H,W] float, the full inputs
    at::Tensor importance;    ///< [K·H·W] float, the attribution of every (input, pixel) pair
    at::Tensor windowWeights; ///< [H−10,W−10] float, Σ = 1: where the SSIM score looks
    std::shared_ptr<ImageFunction> image;
    FusionFunctions functions; ///< keeps a fusion engine alive when image comes from one
};

DeletionInsertionResult deletionInsertionOn(const CurveInputs& inputs, const DeletionInsertionOptions& options, ProgressSink& progress,
                                            const CurveCallback& onPoint);
PicResult picCurvesOn(const CurveInputs& inputs, const PicOptions& options, ProgressSink& progress, const CurveCallback& onPoint);

} // namespace fuselab::learn::detail
