// The deghosting parameters every stack operator that can keep moving objects from
// one frame shares (fusion and merges), and turning them into a motion mask.
#pragma once

#include "fuselab/deghost.hpp"
#include "fuselab/params.hpp"

#include <optional>
#include <vector>

namespace fuselab {

/// deghost (off), deghost_reference (−1 = median exposure), deghost_tolerance (grey levels).
std::vector<ParamSpec> deghostParamSpecs();
/// The motion mask the values ask for, or nothing when deghosting is off.
std::optional<MotionMask> motionMaskFromValues(const ExposureStack& stack, const ParamValues& values, ProgressSink& progress);

} // namespace fuselab
