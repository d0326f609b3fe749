// The GUI's link to learned fusion (built only with LibTorch, FUSELAB_HAVE_LEARN): where the
// shipped model is and the registration of the learn library's operators. Torch-free.
#pragma once

#include "fuselab/base/operator.hpp"

#include <string>

namespace fuselab::ui {

/// The shipped model seen from this executable (installed share/ folder, else the source tree's
/// resources/models/; $FUSELAB_MODEL_DIR first when set).
std::string shippedModelPath();

/// Registers `learned` (and the learn library's other operators) with the shipped model; the
/// blend runs in fuselab_core on the CPU. LibTorch loads on the first run, not here.
void registerLearnedOperators(OperatorRegistry& registry);

} // namespace fuselab::ui
