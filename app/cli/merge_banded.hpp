// `fuselab-cli merge --memory-mb` (issue 21): the radiance merge of files read row by row —
// response recovery from the sample pixels gathered in a first pass, the merge in bands of rows
// in a second — written to OpenEXR scanlines as the bands are finished.
#pragma once

#include "banded_request.hpp"
#include "output_options.hpp"

#include "fuselab/base/operator.hpp"
#include "fuselab/base/params.hpp"

#include <cstddef>
#include <string>
#include <vector>

namespace fuselab::cli {

struct BandedMergeRequest : BandedRunRequest { // output: .exr
    std::string response;            ///< debevec, robertson, linear, gamma, srgb or FILE.csv
    const Operator* op = nullptr;    ///< the merge operator whose values these are
    ParamValues values;
    std::vector<double> evs, timesS; ///< typed exposures (at most one of them)
    std::string responseOut;         ///< --response-out FILE.csv, or empty
};

/// Runs the merge and writes the output with its sidecar; returns the exit code.
int runBandedMerge(const BandedMergeRequest& request, OutputOptions& out);

} // namespace fuselab::cli
