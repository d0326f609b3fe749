// fuselab-cli bench --methods M1,M2,... [--baseline M] [--pairs none|extreme] [--published FILE.csv]
//                   [--flavour fuselab|mefb] [--shard I/N] [--param ID=VALUE ...] FOLDER -o OUTDIR
// fuselab-cli bench --merge OUTDIR... -o OUTDIR
// The work is fuselab_core's runBench (bench.hpp), which the GUI's evaluation dialog runs too.
#include "cli_support.hpp"
#include "command.hpp"
#if defined(FUSELAB_HAVE_LEARN)
#include "learn_support.hpp"
#endif

#include "fuselab/bench.hpp"
#include "fuselab/base/error.hpp"
#include "fuselab/io.hpp"

#include <cstdio>
#include <filesystem>
#include <sstream>

namespace fuselab::cli {
namespace {

namespace fs = std::filesystem;

class BenchCommand final : public Command {
public:
    explicit BenchCommand(const OperatorRegistry& registry) : m_registry(registry) {}

    CLI::App* attach(CLI::App& app) override
    {
        CLI::App* sub = app.add_subcommand("bench", "Fuse a folder of scenes with several methods, score every result, rank them "
                                                    "(results.csv, table.md, and every fused image kept)");
        sub->add_option("folder", m_folder, "Folder of scenes: one sub-folder per exposure stack");
        sub->add_option("-o,--output", m_output, "Output folder (fused/<method>/<scene>.png, results.csv, table.md)")->required();
        sub->add_option("--methods", m_methods,
                        "Comma-separated: mertens, learned, learned:FILE.pt, any fusion operator id (fuselab-cli ops --category "
                        "fusion), or folder:NAME=DIR of already fused images named like the scenes");
        sub->add_option("--baseline", m_baseline, "The method the others are counted against (default: the first)");
        sub->add_option("--pairs", m_pairs, "extreme: also fuse each stack's first and last frame (variant 'pair')")
            ->capture_default_str()->check(CLI::IsMember({"none", "extreme"}));
        sub->add_option("--published", m_published, "A published table (same columns as results.csv) to rank against");
        sub->add_option("--flavour", m_flavour,
                        "Metric definitions: fuselab (the papers' and the authors' reference code) or mefb (as the MEFB toolkit's "
                        "MATLAB computes them, to stand beside its published tables)")
            ->capture_default_str()->check(CLI::IsMember({"fuselab", "mefb"}));
        sub->add_option("--shard", m_shard, "Only scenes i with i mod N = I (name order), for cluster job arrays; join with --merge");
        sub->add_option("--merge", m_merge, "Merge the output folders of shards into -o (the result equals one run)");
        addRepeatableOption(*sub, "--param", m_params, "METHOD.ID=VALUE: a parameter of one method's operator (repeatable)");
        addCommonOptions(*sub, m_common);
        return sub;
    }

    int run() override
    {
        applyThreads(m_common);
        const std::vector<BenchRow> published = m_published.empty() ? std::vector<BenchRow>() : readPublished(m_published);
        if (!m_merge.empty()) {
            if (!m_folder.empty() || !m_methods.empty()) throw UsageError("--merge takes shard folders, not a scene folder or methods");
            mergeBenchRuns(m_merge, m_output, published);
            if (!m_common.quiet) std::fprintf(stderr, "merged %zu shard(s) into %s\n", m_merge.size(), m_output.c_str());
            return kSuccess;
        }
        if (m_folder.empty()) throw UsageError("bench needs a FOLDER of scenes (or --merge)");
        if (m_methods.empty()) throw UsageError("bench needs --methods (e.g. --methods mertens,learned)");
        BenchOptions options;
        options.methods = parseMethods();
        options.baseline = m_baseline;
        options.extremePairs = m_pairs == "extreme";
        options.flavour = metricFlavourFromString(m_flavour);
        if (!m_shard.empty()) std::tie(options.shardIndex, options.shardCount) = parseShard(m_shard);
        options.outputDir = m_output;
        options.published = published;
        if (!m_baseline.empty() && std::none_of(options.methods.begin(), options.methods.end(), [&](const BenchMethod& m) { return m.name == m_baseline; }))
            throw UsageError("--baseline '" + m_baseline + "' is not one of --methods");

        ConsoleProgress progress("bench", m_common.quiet);
        const BenchRun run = runBench(m_folder, options, progress);
        progress.finish();
        for (const BenchFailure& f : run.failures) printWarning(f.scene + " (" + f.variant + ", " + f.method + "): " + f.problem);
        if (!m_common.quiet)
            std::fprintf(stderr, "wrote %s/results.csv and table.md: %d scene(s), %zu row(s), %zu failed%s\n", m_output.c_str(), run.scenes,
                         run.rows.size(), run.failures.size(), run.cancelled ? " (cancelled: a partial table)" : "");
        if (run.cancelled) throw Error("cancelled; the tables hold the scenes done so far");
        return kSuccess;
    }

private:
    std::vector<BenchMethod> parseMethods() const
    {
        std::vector<std::string> names;
        std::stringstream list(m_methods);
        for (std::string item; std::getline(list, item, ',');)
            if (!item.empty()) names.push_back(item);
        std::vector<BenchMethod> methods;
        for (const std::string& name : names) {
            BenchMethod m;
            m.name = name;
            if (name.rfind("folder:", 0) == 0) {
                const std::size_t eq = name.find('=');
                if (eq == std::string::npos || eq == 7 || eq + 1 == name.size())
                    throw UsageError("'" + name + "': a folder method is folder:NAME=DIR");
                m.name = name.substr(7, eq - 7);
                m.folder = name.substr(eq + 1);
                std::error_code ec;
                if (!fs::is_directory(m.folder, ec)) throw Error(m.folder, "is not a folder (method " + m.name + ")");
            } else if (name.rfind("learned:", 0) == 0) {
#if defined(FUSELAB_HAVE_LEARN)
                const std::string model = name.substr(8);
                std::error_code ec;
                if (!fs::is_regular_file(model, ec)) throw Error(model, "no such file (method " + name + ")");
                m.op = learnedFusionWithModel(model);
#else
                throw Error("this fuselab-cli was built without LibTorch: method '" + name + "' is unavailable");
#endif
            } else {
                const Operator* op = m_registry.find(name);
                if (!op) throw UsageError("unknown method '" + name + "' (mertens, learned, learned:FILE.pt, folder:NAME=DIR or a fusion operator id)");
                if (op->inputKind() != InputKind::Stack)
                    throw UsageError("'" + name + "' does not fuse a stack (category " + op->info().category + ")");
                m.op = std::shared_ptr<const Operator>(std::shared_ptr<const Operator>(), op); // owned by the registry
            }
            methods.push_back(std::move(m));
        }
        // --param METHOD.ID=VALUE
        for (const std::string& p : m_params) {
            const std::size_t dot = p.find('.');
            const auto it = dot == std::string::npos ? methods.end()
                                                     : std::find_if(methods.begin(), methods.end(), [&](const BenchMethod& m) { return m.name == p.substr(0, dot); });
            if (it == methods.end() || !it->op) throw UsageError("--param '" + p + "' must be METHOD.ID=VALUE for one of the operator methods");
            const ParamValues one = parseParamArguments(*it->op, {p.substr(dot + 1)});
            for (const auto& [id, value] : one.all()) it->values.set(id, value);
        }
        return methods;
    }

    static std::vector<BenchRow> readPublished(const std::string& path)
    {
        const std::vector<std::uint8_t> bytes = readFileBytes(path);
        return benchRowsFromCsv(parseCsv(std::string(bytes.begin(), bytes.end()), path), path);
    }

    const OperatorRegistry& m_registry;
    std::string m_folder, m_output, m_methods, m_baseline, m_pairs = "none", m_published, m_flavour = "fuselab", m_shard;
    std::vector<std::string> m_merge, m_params;
    CommonOptions m_common;
};

} // namespace

std::unique_ptr<Command> makeBenchCommand(const OperatorRegistry& registry)
{
    return std::make_unique<BenchCommand>(registry);
}

} // namespace fuselab::cli
