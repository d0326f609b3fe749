// Options shared by the commands that read a stack: --ev / --times, --align, --deghost,
// --nonfinite; and loading + aligning the stack they describe.
#pragma once

#include "cli_support.hpp"

#include "fuselab/align.hpp"
#include "fuselab/stack_io.hpp"

#include <string>
#include <vector>

namespace fuselab::cli {

struct StackOptions {
    std::string ev;
    std::string times;
    std::string align = "none";
    bool deghost = false;

    void attach(CLI::App& sub);
    /// Loads (and aligns) the inputs; warnings go to stderr. `requireExposures` for merges.
    ExposureStack load(const std::vector<std::string>& inputs, bool requireExposures, ProgressSink& progress,
                       std::vector<std::string>* files) const;
};

} // namespace fuselab::cli
