// `fuselab-cli fuse` in row bands with a memory budget (issue 21): Mertens fusion of files read
// by scanlines where their format allows, written to TIFF strips as the bands are finished.
#pragma once

#include "banded_request.hpp"
#include "output_options.hpp"

#include "fuselab/base/operator.hpp"
#include "fuselab/base/params.hpp"
#include "fuselab/weight_source.hpp"

#include <cstddef>
#include <string>
#include <vector>

namespace fuselab::cli {

struct BandedFuseRequest : BandedRunRequest { // output: .tif/.tiff, .png or .jpg
    const Operator* op = nullptr;    ///< the Mertens operator (id, version, values for the sidecar)
    ParamValues values;
    std::string model;               ///< a learned fusion's other model file (the recipe's step model), or empty
};

/// Runs the banded fusion and writes the output with its sidecar; returns the exit code.
int runBandedFuse(const BandedFuseRequest& request, OutputOptions& out);

/// The same with the weights of a method that provides them a band at a time (the learned
/// fusion: weight_source.hpp); the sidecar notes `model`.
int runBandedFuseWithWeights(const BandedFuseRequest& request, const BandWeightsProvider& provider, const std::string& modelPath,
                             OutputOptions& out);

/// The image files the inputs name (folders expanded in name order: resolveStackFiles).
std::vector<std::string> expandStackInputs(const std::vector<std::string>& inputs);

} // namespace fuselab::cli
