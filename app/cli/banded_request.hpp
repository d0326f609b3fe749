// What every row-band run of the CLI is told: its files, its output, its memory budget and how
// the run reports. fuse and merge extend it with what their operator needs (fuse_banded.hpp,
// merge_banded.hpp); replay fills this part once for either.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace fuselab::cli {

struct BandedRunRequest {
    std::vector<std::string> inputs; ///< files or folders, as typed
    std::string output;              ///< the file written (its extension picks the format)
    std::size_t budgetBytes = 0;
    std::string budgetOrigin;        ///< "--memory-mb" or "half of the available memory"
    bool quiet = false, json = false;
};

} // namespace fuselab::cli
