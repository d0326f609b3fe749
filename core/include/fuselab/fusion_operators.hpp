// The parameter schema of exposure fusion, shared by the `mertens` operator and by front
// ends that call the engine directly (the CLI's `fuse` writes straight into 8/16-bit).
#pragma once

#include "fuselab/mertens.hpp"
#include "fuselab/base/param_binding.hpp"
#include "fuselab/base/params.hpp"

#include <string>
#include <vector>

namespace fuselab {

/// The engine's parameters (weights, σ, optimum, levels, quality floor) bound to MertensParams,
/// and the unbound weight-maps flag.
const ParamBinding<MertensParams>& mertensParamBinding();
/// mertensParamBinding()'s specs.
std::vector<ParamSpec> mertensParamSpecs();
/// The `mertens` operator's: the engine's plus deghosting (deghost_params.hpp).
std::vector<ParamSpec> mertensOperatorParamSpecs();
/// The engine's values among `values` (others are ignored), validated, over MertensParams's defaults.
MertensParams mertensParamsFromValues(const ParamValues& values);

/// Whether a fusion operator's run can be done in row bands from files (banded_fusion.hpp,
/// row_io.hpp: bounded memory, the same result): `params` when it can, `whyNot` (a phrase that
/// follows "it cannot be done in bands because …") when it cannot.
struct BandedFusionRecipe {
    bool possible = false;
    MertensParams params;
    std::string whyNot;
};
BandedFusionRecipe bandedFusionRecipe(const std::string& operatorId, const ParamValues& values, bool aligned);

} // namespace fuselab
