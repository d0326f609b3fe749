// Internal (torch): conversions and the core of attribute() shared by the attribution TUs.
#pragma once

#include "fuselab/learn/attribution.hpp"
#include "net.hpp"

#include <ATen/core/Tensor.h>

#include <vector>

namespace fuselab::learn::detail {

/// Inputs as [K,3,H,W] float on the CPU (alpha dropped, grey repeated to RGB); throws on size mismatch.
at::Tensor inputsTensor(const std::vector<Image>& inputs, int widthPx, int heightPx);
/// [K,H,W] → K one-channel images.
std::vector<Image> mapsToImages(const at::Tensor& maps);
/// attribute() on a network (the model's own, or a randomised or freshly trained one).
AttributionResult attributeNetwork(FusionNetImpl& net, const at::Tensor& x, const std::vector<Modality>& modalities,
                                   const AttributionRequest& request, ProgressSink& progress);

} // namespace fuselab::learn::detail
