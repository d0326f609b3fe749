// Private: pieces the training sources share: a mirrored crop and a simulated bracket.
#pragma once

#include "fuselab/learn/training_data.hpp"
#include "fuselab/base/synthetic.hpp"

#include <string>

namespace fuselab::learn::detail {

/// The sizePx × sizePx window at (x0, y0), mirrored left-right when asked.
Image cropAndMirror(const Image& image, int x0, int y0, int sizePx, bool mirror);
/// The frames exposeScene makes of `radiance`, as a training stack of display values in [0,1].
TrainingStack exposeToStack(const Image& radiance, const ExposureSimulation& sim, std::string name);

} // namespace fuselab::learn::detail
