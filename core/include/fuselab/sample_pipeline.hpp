// The main job on the built-in sample scene, headless: what `fuselab-cli sample` does and
// what `fuselab` does where there is no display. Writes every output into a folder.
#pragma once

#include "fuselab/base/operator.hpp"

#include <string>
#include <utility>
#include <vector>

namespace fuselab {

struct SampleOptions {
    std::string outDir = "out/sample";
    int widthPx = 1200;
    int heightPx = 800;
    std::string command; ///< recorded in sidecars
};

struct SampleReport {
    std::vector<std::pair<std::string, std::string>> outputs; ///< (what, path)
    std::vector<std::pair<std::string, double>> numbers;      ///< (what, value), e.g. metric scores
};

/// Synthesises the sample stack, fuses it, merges and tone-maps it where those operators
/// are registered, scores the results, and writes images with sidecars. Throws fuselab::Error.
SampleReport runSamplePipeline(const SampleOptions& options, const OperatorRegistry& registry, ProgressSink& progress);

} // namespace fuselab
