// Attribution and its evaluation as operators (categories `attribution` and `evaluation`), so
// the CLI's `run`, `ops` and generated panels reach them like any other step. Torch-free: the
// model (a path) and LibTorch load on the first run, as for `learned`.
//
//   attribution-<method>  (saliency, gradxinput, ig, guided, gradcam, gradcampp, smoothgrad,
//                          vargrad, occlusion): the stack explained by the method; extras
//                          attribution_<k> (one map per frame), image = Σ_k maps (per pixel);
//                          scalars target_value, attribution_sum, completeness_gap (ig).
//   evaluation-deletion-insertion: deletion_auc, insertion_auc of a method's maps.
//   evaluation-pic: sic_auc, aic_auc (or *_skipped = 1), start_similarity.
//   evaluation-model-randomisation: rank_correlation.<layer> per cascade step.
#pragma once

#include "fuselab/base/operator.hpp"

#include <string>

namespace fuselab::learn {

/// Adds every operator above, sharing one lazily loaded model.
void registerAttributionOperators(OperatorRegistry& registry, const std::string& modelPath);

} // namespace fuselab::learn
