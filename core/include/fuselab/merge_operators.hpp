// The values of the merge operators (merge-debevec, merge-robertson, merge-response) read into
// the engine's parameters, shared by the operators and by front ends that run the engine row by
// row (fuselab-cli merge --memory-mb).
#pragma once

#include "fuselab/hdr_merge.hpp"
#include "fuselab/base/operator.hpp"
#include "fuselab/base/params.hpp"
#include "fuselab/base/response.hpp"

#include <memory>
#include <string>

namespace fuselab {

/// Each reads a resolved, validated set of values of its operator (see resolveParamValues).
DebevecParams debevecParamsFromValues(const ParamValues& values);
RobertsonParams robertsonParamsFromValues(const ParamValues& values);
/// merge-response's curve: linear, gamma or sRGB.
CameraResponse knownResponseFromValues(const ParamValues& values);
/// Weighting and saturation check of any merge operator (no motion mask).
MergeParams mergeParamsFromValues(const ParamValues& values);

/// merge-response with a measured camera response read from a CSV (response.hpp's format)
/// instead of its response choice: what a recipe step naming a response file as its model runs
/// (`merge --response FILE.csv`). Throws fuselab::Error naming the file.
std::shared_ptr<const Operator> makeMergeWithResponseFile(const std::string& csvPath);

} // namespace fuselab
