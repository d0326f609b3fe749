// Private to the bench (bench_run.cpp, bench_table.cpp): writing a run's files.
#pragma once

#include "fuselab/bench.hpp"

#include <string>
#include <vector>

namespace fuselab {

/// results.csv, failures.csv and table.md of a run in outputDir, each written atomically.
void writeBenchFiles(const std::string& outputDir, const BenchRun& run, const std::vector<std::string>& methodOrder,
                     const std::string& baseline, MetricFlavour flavour, const std::vector<BenchRow>& published);

} // namespace fuselab
