// fuselab-cli batch RECIPE.json FOLDER... [--shard I/N] [--format EXT] -o OUTDIR
#include "cli_support.hpp"
#include "command.hpp"
#include "recipe_output.hpp"

#include "fuselab/base/error.hpp"
#include "fuselab/batch.hpp"

#include <cstdio>

namespace fuselab::cli {
namespace {

class BatchCommand final : public Command {
public:
    explicit BatchCommand(const OperatorRegistry& registry) : m_registry(registry) {}

    CLI::App* attach(CLI::App& app) override
    {
        CLI::App* sub = app.add_subcommand("batch", "Run a recipe (a sidecar or recipe file) over many brackets: OUTDIR/<bracket>.<ext> and OUTDIR/summary.csv");
        sub->add_option("recipe", m_recipe, "A sidecar <OUTPUT>.json or a recipe file")->required();
        sub->add_option("folders", m_folders,
                        "Folders of scene sub-folders (one bracket each), or flat folders of frames, split into brackets "
                        "by EXIF capture time and exposure sequence")
            ->required();
        sub->add_option("--shard", m_shard, "Only brackets i with i mod N = I (in order), for cluster job arrays; summary-I-of-N.csv");
        sub->add_option("--format", m_format, "Output format: png, tif, jpg, exr or hdr (default: the recipe's own)");
        sub->add_option("--max-gap-s", m_maxGapS, "Flat folders: a pause longer than this between shots starts a new bracket")
            ->capture_default_str()->check(CLI::Range(0.0, 86400.0));
        sub->add_option("-o,--output", m_outDir, "Output folder (created when missing)")->required();
        addCommonOptions(*sub, m_common);
        return sub;
    }

    int run() override
    {
        applyThreads(m_common);
        const Recipe recipe = readRecipeFile(m_recipe);
        BatchOptions options;
        options.outDir = m_outDir;
        options.extension = m_format;
        options.command = commandLine();
        if (!m_shard.empty()) std::tie(options.shardIndex, options.shardCount) = parseShard(m_shard);
        BracketGrouping grouping;
        grouping.maxGapS = m_maxGapS;
        const std::vector<Bracket> brackets = bracketsOfFolders(m_folders, grouping);
        ConsoleProgress progress("batch", m_common.quiet);
        const BatchReport report = runBatch(recipe, brackets, options, m_registry, progress, commandLineModelOperators());
        progress.finish();
        for (const BatchRow& row : report.rows)
            if (!row.ok) printWarning(row.bracket + ": " + row.problem);
        if (!m_common.quiet)
            std::fprintf(stderr, "batch: %zu of %zu bracket(s) made, %zu failed; summary in %s\n", report.rows.size() - report.failed,
                         report.rows.size(), report.failed, report.summaryPath.c_str());
        return report.failed == 0 ? kSuccess : kProcessingError;
    }

private:
    const OperatorRegistry& m_registry;
    std::string m_recipe, m_outDir, m_shard, m_format;
    std::vector<std::string> m_folders;
    double m_maxGapS = BracketGrouping{}.maxGapS;
    CommonOptions m_common;
};

} // namespace

std::unique_ptr<Command> makeBatchCommand(const OperatorRegistry& registry)
{
    return std::make_unique<BatchCommand>(registry);
}

} // namespace fuselab::cli
