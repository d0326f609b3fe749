// The deghosting parameters every stack operator that can keep moving objects from one
// frame shares (fusion and merges), and turning them into a consistent stack.
#pragma once

#include "fuselab/deghost.hpp"
#include "fuselab/base/operator.hpp"
#include "fuselab/base/param_binding.hpp"
#include "fuselab/base/params.hpp"

#include <optional>
#include <vector>

namespace fuselab {

/// deghost_reference (−1 = median exposure) and deghost_tolerance (grey levels) bound to
/// DeghostParams, and the unbound flag deghost (on by default: a static stack is left exactly
/// as it is).
const ParamBinding<DeghostParams>& deghostParamBinding();
/// deghostParamBinding()'s specs.
std::vector<ParamSpec> deghostParamSpecs();

/// What the values (and painted decisions, which apply even with detection off) make of the
/// stack: the consistent stack with its motion report, or nothing when deghosting is off and
/// nothing was painted. painted: deghost.hpp's codes (OperatorInput::deghostSources), or null.
std::optional<DeghostOutcome> deghostFromValues(const ExposureStack& stack, const ParamValues& values, const Image8* painted,
                                                ProgressSink& progress);

/// The stack an operator should work on: the outcome's, or the input itself.
inline const ExposureStack& stackToUse(const std::optional<DeghostOutcome>& outcome, const ExposureStack& input)
{
    return outcome ? outcome->stack : input;
}

/// Adds the decision to an operator's output: the extra image "motion_mask", and the scalars
/// moving_fraction and deghost_pixels_frame_<k> (pixels taken from frame k).
void reportDeghost(const DeghostOutcome& outcome, OperatorOutput& out);

} // namespace fuselab
