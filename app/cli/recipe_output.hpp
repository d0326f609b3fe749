// The command line's way of making a file from a recipe: fuse, merge, tonemap, replay and batch
// build a recipe and hand it to core's produceRecipeOutput here, so each writes what the
// others would for the same recipe.
#pragma once

#include "cli_support.hpp"
#include "output_options.hpp"

#include "fuselab/recipe_run.hpp"

#include <string>

namespace fuselab::cli {

struct RecipeRunFlags {
    std::string task;  ///< progress label ("fuse")
    bool quiet = false;
    bool json = false; ///< print what was written as JSON on stdout
};

/// Runs `recipe` into `outputPath` with `sidecar`'s notes (the command line is its command),
/// printing warnings, "wrote …" and, with --json, what was written. Throws.
RecipeProduced produceFromCommandLine(const Recipe& recipe, const std::string& outputPath, Sidecar sidecar, const OperatorRegistry& registry,
                           const RecipeRunFlags& flags);

/// Prints each alignment step's estimated shifts on stderr ("align: frame k moved by …").
void printAlignmentShifts(const RecipeResult& result);

/// Checks the output's extension before any work: a UsageError names the formats.
void requireImageOutputFormat(const std::string& outputPath);

/// What the command line can load for steps that name a model (learned fusion with another model).
ModelOperatorMaker commandLineModelOperators();

} // namespace fuselab::cli
