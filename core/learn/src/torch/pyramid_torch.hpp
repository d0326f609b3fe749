// Internal (torch): the Burt–Adelson pyramid of fuselab_core (pyramid.hpp) re-expressed with
// differentiable tensor ops on any device: 5-tap binomial [1 4 6 4 1]/16, reflect-101 borders,
// coarse size (n+1)/2, and the same even/odd expansion rule, so a network trained through this
// blend behaves the same when the app blends with fuselab::pyramidBlend.
#pragma once

#include "fuselab/base/pyramid_geometry.hpp" // autoPyramidLevels, for this blend's callers

#include <ATen/core/Tensor.h>

namespace fuselab::learn::detail {

/// [N,C,H,W] → [N,C,(H+1)/2,(W+1)/2].
at::Tensor pyramidDown(const at::Tensor& fine);
/// [N,C,h,w] → [N,C,H,W] with (H+1)/2 == h, (W+1)/2 == w.
at::Tensor pyramidUp(const at::Tensor& coarse, std::int64_t fineHeight, std::int64_t fineWidth);

/// Σ_k collapse(L{images_k} · G{weights_k}): images [N,K,C,H,W], weights [N,K,1,H,W] → [N,C,H,W].
/// levels ≥ 1 (clipped to what fits down to 1 px, as fuselab::pyramidBlend).
at::Tensor laplacianBlend(const at::Tensor& images, const at::Tensor& weights, int levels);

} // namespace fuselab::learn::detail
