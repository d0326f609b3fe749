// The parameter schema of exposure fusion, shared by the `mertens` operator and by front
// ends that call the engine directly (the CLI's `fuse` writes straight into 8/16-bit).
#pragma once

#include "fuselab/mertens.hpp"
#include "fuselab/params.hpp"

#include <vector>

namespace fuselab {

std::vector<ParamSpec> mertensParamSpecs();
/// Reads a resolved, validated set of values (see resolveParamValues).
MertensParams mertensParamsFromValues(const ParamValues& values);

} // namespace fuselab
