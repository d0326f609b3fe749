// fuselab-cli metrics FUSED --stack IMAGE... [--reference REF] [--json]
// fuselab-cli metrics --batch FOLDER -o results.csv [--shard I/N] [--method NAME | --fused-name NAME]
// fuselab-cli metrics --merge A.csv B.csv ... -o all.csv
#include "cli_support.hpp"
#include "command.hpp"
#include "fuselab/csv_table.hpp"

#include "fuselab/base/error.hpp"
#include "fuselab/fusion_operators.hpp"
#include "fuselab/io.hpp"
#include "fuselab/metrics.hpp"
#include "fuselab/stack_io.hpp"

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <set>

namespace fuselab::cli {
namespace {

namespace fs = std::filesystem;

bool isImageName(const std::string& name)
{
    return !name.empty() && name[0] != '.' && formatFromExtension(name) != FileFormat::Unknown;
}

bool samePath(const std::string& a, const std::string& b)
{
    std::error_code ec;
    return fs::equivalent(a, b, ec);
}

// The image files of a folder in name order.
std::vector<std::string> imagesIn(const fs::path& folder)
{
    std::vector<std::string> files;
    std::error_code ec;
    for (const fs::directory_entry& e : fs::directory_iterator(folder, ec))
        if (e.is_regular_file() && isImageName(e.path().filename().string())) files.push_back(e.path().string());
    if (ec) throw Error(folder.string(), "cannot list the folder: " + ec.message());
    std::sort(files.begin(), files.end());
    return files;
}

struct SceneFiles {
    std::vector<std::string> exposures;
    std::string fused; ///< empty when the scene is fused on the fly
};

// A scene folder holds its exposures and, unless fusing on the fly, the fused image: the file
// named `fusedName`, or whose name without extension is `fusedName` (fused.png, fused.tif…).
SceneFiles sceneFiles(const fs::path& folder, const std::string& fusedName, bool fuseNow)
{
    SceneFiles scene;
    std::vector<std::string> fusedCandidates;
    for (const std::string& f : imagesIn(folder)) {
        const fs::path p(f);
        const bool isFused = p.filename().string() == fusedName || p.stem().string() == fusedName;
        (isFused ? fusedCandidates : scene.exposures).push_back(f);
    }
    if (!fuseNow) {
        if (fusedCandidates.empty())
            throw Error(folder.string(), "has no fused image named '" + fusedName + "' (or " + fusedName +
                                             ".png, .tif, …); name it with --fused-name, or fuse on the fly with --method mertens");
        if (fusedCandidates.size() > 1)
            throw Error(folder.string(), "has several fused images (" + fs::path(fusedCandidates[0]).filename().string() + ", " +
                                             fs::path(fusedCandidates[1]).filename().string() + "); choose one with --fused-name");
        scene.fused = fusedCandidates.front();
    }
    if (scene.exposures.size() < 2)
        throw Error(folder.string(), "holds " + std::to_string(scene.exposures.size()) +
                                         " exposure(s) besides the fused image; a scene needs at least two");
    return scene;
}

std::vector<std::string> csvHeader()
{
    std::vector<std::string> header = {"scene", "method"};
    for (const std::string& k : fusionMetricKeys()) header.push_back(k);
    return header;
}

class MetricsCommand final : public Command {
public:
    explicit MetricsCommand(const OperatorRegistry& registry) : m_registry(registry) {}

    CLI::App* attach(CLI::App& app) override
    {
        CLI::App* sub = app.add_subcommand(
            "metrics",
            "Quality metrics of a fused image against its stack (and a reference), or of a folder of scenes into a CSV.\n"
            "Keys: " + joined(fusionMetricKeys()) + "; with --reference also " + joined(referenceMetricKeys(true)) +
                " (psnr_mu for an HDR reference). See README \"Metrics\" for each definition.");
        sub->add_option("fused", m_fused, "The fused image to judge");
        sub->add_option("--stack", m_stack, "The exposures it was fused from, or their folder (the fused image is left out)");
        sub->add_option("--reference", m_reference, "A reference image: adds psnr, ssim, ms_ssim, and psnr_mu when it is HDR "
                                                    "(linear: EXR, HDR, float TIFF)");
        sub->add_flag("--json", m_json, "Print one JSON object, metric id → number (null where not defined)");
        sub->add_option("--batch", m_batch, "A folder with one sub-folder per scene (its exposures in name order plus the fused "
                                            "image): one CSV row per scene, written to -o");
        sub->add_option("-o,--output", m_output, "CSV written by --batch or --merge (atomically)");
        sub->add_option("--shard", m_shard, "I/N with --batch: only the scenes whose index in name order is I modulo N (0 ≤ I < N)");
        sub->add_option("--method", m_method, "With --batch: fuse each scene now with this method instead of reading a fused image")
            ->check(CLI::IsMember({"mertens"}));
        sub->add_option("--fused-name", m_fusedName, "With --batch: the fused image in each scene folder, a file name or a name "
                                                     "without extension (default: fused, i.e. fused.png, fused.tif, …)")
            ->capture_default_str();
        addRepeatableOption(*sub, "--param", m_params, "With --method: fusion parameter ID=VALUE (repeatable)");
        sub->add_option("--merge", m_merge, "CSV files of sharded --batch runs to merge into -o (same header; rows sorted by "
                                            "scene; duplicates refused)");
        addCommonOptions(*sub, m_common);
        return sub;
    }

    int run() override
    {
        applyThreads(m_common);
        const bool merge = !m_merge.empty(), batch = !m_batch.empty();
        if (merge && batch) throw UsageError("give either --batch or --merge, not both");
        if (merge || batch) {
            if (!m_fused.empty() || !m_stack.empty() || !m_reference.empty())
                throw UsageError(std::string(merge ? "--merge" : "--batch") + " takes no FUSED, --stack or --reference");
            if (m_output.empty()) throw UsageError(std::string(merge ? "--merge" : "--batch") + " needs -o FILE.csv");
            if (m_json) throw UsageError("--json is for one image; --batch and --merge write CSV");
            return merge ? runMerge() : runBatch();
        }
        if (!m_shard.empty() || !m_method.empty() || !m_params.empty() || !m_output.empty())
            throw UsageError("--shard, --method, --param and -o belong to --batch (or -o to --merge)");
        if (m_fused.empty()) throw UsageError("give the fused image (or --batch FOLDER, or --merge FILES)");
        if (m_stack.empty()) throw UsageError("give the stack it was fused from with --stack IMAGE... (or a folder)");
        return runSingle();
    }

private:
    static std::string joined(const std::vector<std::string>& keys)
    {
        std::string s;
        for (const std::string& k : keys) s += (s.empty() ? "" : ", ") + k;
        return s;
    }

    // --stack arguments with folders expanded (name order), leaving out the fused and reference images.
    std::vector<std::string> stackFiles() const
    {
        std::vector<std::string> files;
        for (const std::string& arg : m_stack) {
            std::error_code ec;
            if (!fs::is_directory(arg, ec)) {
                files.push_back(arg);
                continue;
            }
            for (const std::string& f : imagesIn(arg))
                if (!samePath(f, m_fused) && (m_reference.empty() || !samePath(f, m_reference))) files.push_back(f);
            if (files.empty()) throw Error(arg, "contains no images besides the fused one");
        }
        return files;
    }

    int runSingle()
    {
        ConsoleProgress progress("metrics", m_common.quiet || m_json);
        const SampleImage fused = readInputImage(m_fused).pixels;
        const LoadedStack loaded = loadStack(stackFiles(), StackLoadOptions{});
        for (const std::string& w : loaded.warnings) printWarning(w);
        SampleImage reference;
        if (!m_reference.empty()) reference = readImage(m_reference).pixels;
        const auto attribute = [&](const Error& e) {
            if (!e.file().empty()) return e;
            // Sizes that disagree are the fused image's problem (the stack is checked on loading).
            return e.withFile(m_fused);
        };
        std::vector<MetricValue> values;
        try {
            ProgressSpan span(progress, 0.05, 1.0);
            values = computeFusionMetrics(fused, loaded.stack, m_reference.empty() ? nullptr : &reference, MetricSuiteOptions{}, span);
        } catch (const Error& e) {
            throw attribute(e);
        }
        progress.finish();
        if (m_json) {
            nlohmann::ordered_json j = nlohmann::ordered_json::object();
            for (const MetricValue& v : values) j[v.key] = v.value ? nlohmann::ordered_json(*v.value) : nlohmann::ordered_json(nullptr);
            std::cout << j.dump(2) << std::endl;
            for (const MetricValue& v : values)
                if (!v.value && !m_common.quiet) printWarning(v.key + " not computed: " + v.note);
            return kSuccess;
        }
        for (const MetricValue& v : values) {
            if (v.value) std::printf("%-22s %.6g\n", v.key.c_str(), *v.value);
            else std::printf("%-22s n/a (%s)\n", v.key.c_str(), v.note.c_str());
        }
        return kSuccess;
    }

    int runBatch()
    {
        int shardIndex = 0, shardCount = 1;
        if (!m_shard.empty()) std::tie(shardIndex, shardCount) = parseShard(m_shard);
        std::error_code ec;
        if (!fs::is_directory(m_batch, ec)) throw Error(m_batch, "is not a folder");
        std::vector<fs::path> scenes;
        for (const fs::directory_entry& e : fs::directory_iterator(m_batch, ec))
            if (e.is_directory() && e.path().filename().string()[0] != '.') scenes.push_back(e.path());
        if (ec) throw Error(m_batch, "cannot list the folder: " + ec.message());
        std::sort(scenes.begin(), scenes.end(), [](const fs::path& a, const fs::path& b) {
            return a.filename().string() < b.filename().string();
        });
        if (scenes.empty()) throw Error(m_batch, "holds no scene folders (one sub-folder per scene)");
        if (formatFromExtension(m_output) != FileFormat::Unknown || m_output.empty())
            throw UsageError("-o '" + m_output + "' should be a .csv file");

        const bool fuseNow = !m_method.empty();
        ParamValues fusionValues;
        if (fuseNow) {
            const Operator& op = m_registry.get(m_method);
            fusionValues = resolveParamValues(op.params(), parseParamArguments(op, m_params));
        } else if (!m_params.empty()) {
            throw UsageError("--param needs --method (it sets the fusion's parameters)");
        }

        CsvTable table;
        table.header = csvHeader();
        std::vector<std::size_t> mine;
        for (std::size_t i = 0; i < scenes.size(); ++i)
            if (int(i % std::size_t(shardCount)) == shardIndex) mine.push_back(i);
        ConsoleProgress progress("metrics", m_common.quiet);
        for (std::size_t n = 0; n < mine.size(); ++n) {
            const fs::path& folder = scenes[mine[n]];
            const std::string name = folder.filename().string();
            ProgressSpan span(progress, double(n) / double(mine.size()), double(n + 1) / double(mine.size()));
            span.report(0.0, name);
            const SceneFiles files = sceneFiles(folder, m_fusedName, fuseNow);
            const LoadedStack loaded = loadStack(files.exposures, StackLoadOptions{});
            SampleImage fused;
            std::string method;
            if (fuseNow) {
                FusionOptions options;
                options.outputType = FusedSampleType::U8; // as it would be written to an 8-bit file
                ProgressSpan fusing(span, 0.0, 0.3);
                fused = fuseMertens(loaded.stack, mertensParamsFromValues(fusionValues), options, fusing).fused;
                method = m_method;
            } else {
                fused = readImage(files.fused).pixels;
                method = fs::path(files.fused).filename().string();
            }
            std::vector<MetricValue> values;
            try {
                ProgressSpan measuring(span, fuseNow ? 0.3 : 0.0, 1.0);
                values = computeFusionMetrics(fused, loaded.stack, nullptr, MetricSuiteOptions{}, measuring);
            } catch (const Error& e) {
                throw e.file().empty() ? e.withFile(fuseNow ? folder.string() : files.fused) : e;
            }
            std::vector<std::string> row = {name, method};
            for (const MetricValue& v : values) row.push_back(v.value ? formatNumber(*v.value) : std::string());
            table.rows.push_back(std::move(row));
        }
        progress.finish();
        writeFileAtomically(m_output, formatCsv(table));
        if (!m_common.quiet)
            std::fprintf(stderr, "wrote %s (%zu of %zu scenes%s)\n", m_output.c_str(), mine.size(), scenes.size(),
                         m_shard.empty() ? "" : (", shard " + m_shard).c_str());
        return kSuccess;
    }

    int runMerge()
    {
        CsvTable merged;
        std::set<std::pair<std::string, std::string>> seen;
        for (const std::string& file : m_merge) {
            const std::vector<std::uint8_t> bytes = readFileBytes(file);
            const CsvTable t = parseCsv(std::string(bytes.begin(), bytes.end()), file);
            if (t.header.size() < 2 || t.header[0] != "scene" || t.header[1] != "method")
                throw Error(file, "is not a metrics CSV (its header does not start with scene,method)");
            if (merged.header.empty()) {
                merged.header = t.header;
            } else if (t.header != merged.header) {
                throw Error(file, "has other columns than " + m_merge.front() + "; only CSVs of the same metrics can be merged");
            }
            for (const auto& row : t.rows) {
                if (!seen.insert({row[0], row[1]}).second)
                    throw Error(file, "repeats scene '" + row[0] + "' (method " + row[1] + ") of an earlier file");
                merged.rows.push_back(row);
            }
        }
        std::stable_sort(merged.rows.begin(), merged.rows.end(), [](const auto& a, const auto& b) {
            return a[0] != b[0] ? a[0] < b[0] : a[1] < b[1];
        });
        writeFileAtomically(m_output, formatCsv(merged));
        if (!m_common.quiet)
            std::fprintf(stderr, "wrote %s (%zu rows from %zu files)\n", m_output.c_str(), merged.rows.size(), m_merge.size());
        return kSuccess;
    }

    const OperatorRegistry& m_registry;
    std::string m_fused, m_reference, m_batch, m_output, m_shard, m_method, m_fusedName = "fused";
    std::vector<std::string> m_stack, m_params, m_merge;
    bool m_json = false;
    CommonOptions m_common;
};

} // namespace

std::unique_ptr<Command> makeMetricsCommand(const OperatorRegistry& registry)
{
    return std::make_unique<MetricsCommand>(registry);
}

} // namespace fuselab::cli
