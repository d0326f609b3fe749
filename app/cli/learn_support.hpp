// The CLI's link to learned fusion: where the shipped model is and how `learned` is registered.
// Torch-free: LibTorch loads only when a command runs a network (see learn_library.hpp).
#pragma once

#include "fuselab/base/operator.hpp"

#include <string>

namespace fuselab::cli {

/// The shipped model seen from this executable: ../share/fuselab/models/ when installed, the
/// source tree's resources/models/ in a build tree, $FUSELAB_MODEL_DIR first when set.
std::string shippedModelPath();
/// The shipped frame/event model (fusion-events-v1.pt), found the same way.
std::string shippedFrameEventModelPath();

/// Registers `learned` with the shipped model, blending with fuselab_core's pyramidBlend on the CPU.
void registerLearnedFusion(OperatorRegistry& registry);

/// A `learned` operator for another model file (fuse --model FILE).
std::shared_ptr<const Operator> learnedFusionWithModel(const std::string& modelPath);

} // namespace fuselab::cli
