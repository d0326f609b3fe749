// The `learned` fusion operator (category fusion): a stack fused by a trained FusionModel.
// Torch-free: the operator loads fuselab_learn (LearnLibrary) and the model file on its first
// run(), so registering it costs nothing at start-up. The app resolves the model path
// (model_files.hpp); core/learn only takes a path.
#pragma once

#include "fuselab/learn/fusion_model.hpp"
#include "fuselab/base/operator.hpp"
#include "fuselab/base/param_binding.hpp"

#include <memory>
#include <string>
#include <vector>

namespace fuselab::learn {

/// low_res_px (network resolution), levels (pyramid), device (auto|cpu|cuda) and weight_maps,
/// bound to FuseOptions (whose members hold the defaults).
const ParamBinding<FuseOptions>& learnedFusionParamBinding();
/// learnedFusionParamBinding()'s specs.
std::vector<ParamSpec> learnedFusionParamSpecs();
/// The fusion options those values say (device, network resolution, levels, weight maps); no blend.
FuseOptions fuseOptionsFromValues(const ParamValues& values);

/// `blend`: the torch-free pyramid blend to use on the CPU (pass fuselab::pyramidBlend where
/// fuselab_core is linked); empty = LibTorch's blend.
std::shared_ptr<const Operator> makeLearnedFusionOperator(std::string modelPath, PyramidBlendFn blend = {});

/// Registers every operator of the learn library: `learned`, and the attribution and evaluation
/// operators of attribution_operators.hpp.
void registerLearnOperators(OperatorRegistry& registry, const std::string& modelPath, PyramidBlendFn blend = {});

} // namespace fuselab::learn
