// Running one recipe over many brackets (`fuselab-cli batch`, the GUI's "Apply to folder…").
#pragma once

#include "fuselab/brackets.hpp"
#include "fuselab/recipe_run.hpp"

#include <string>
#include <vector>

namespace fuselab {

struct BatchOptions {
    std::string outDir;        ///< created when missing
    std::string extension;     ///< output format ("png", "exr", …); empty = the recipe's own
    int shardIndex = 0;        ///< this job runs bracket i when i mod shardCount == shardIndex
    int shardCount = 1;
    std::string command;       ///< recorded in every sidecar
};

struct BatchRow {
    std::string bracket;
    std::size_t frames = 0;
    std::string firstFrame;
    std::string output;  ///< written file, or empty when the bracket failed
    bool ok = false;
    double seconds = 0.0;
    std::string problem; ///< why it failed ("file: problem"), or the notes of a made output
};

struct BatchReport {
    std::vector<BatchRow> rows;    ///< this shard's brackets, in order
    std::string summaryPath;       ///< OUTDIR/summary.csv, or OUTDIR/summary-<I>-of-<N>.csv for a shard
    std::size_t failed = 0;
};

/// Runs `recipe` on this shard's brackets: OUTDIR/<bracket>.<ext> with its sidecar each, then
/// the summary CSV (columns bracket, frames, first_frame, output, status, seconds, problem).
/// A bracket that fails is reported in its row and the others go on; a bracket of one frame
/// fails with that reason. Progress spans the brackets; fuselab::Cancelled stops the batch
/// (outputs already written stay). Throws fuselab::Error when the outputs cannot be named or
/// the folder cannot be made.
BatchReport runBatch(const Recipe& recipe, const std::vector<Bracket>& brackets, const BatchOptions& options,
                     const OperatorRegistry& registry, ProgressSink& progress, const ModelOperatorMaker& models = {});

} // namespace fuselab
