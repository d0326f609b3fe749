// The bench's tables: results.csv and back, failures.csv, the summary (table.md), and merging
// shard folders into one run.
#include "fuselab/bench.hpp"

#include "bench_files.hpp"

#include "fuselab/base/error.hpp"
#include "fuselab/io.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <map>
#include <numeric>
#include <set>
#include <sstream>

namespace fuselab {

namespace fs = std::filesystem;

namespace {

const std::vector<std::string> kColumns = {"scene", "variant", "method", "metric", "value"};
const std::vector<std::string> kFailureColumns = {"scene", "variant", "method", "problem"};

double medianOf(std::vector<double> v)
{
    std::sort(v.begin(), v.end());
    const std::size_t n = v.size();
    return n == 0 ? 0.0 : n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

std::string readText(const std::string& path)
{
    const std::vector<std::uint8_t> bytes = readFileBytes(path);
    return std::string(bytes.begin(), bytes.end());
}

CsvTable failureCsv(const std::vector<BenchFailure>& failures)
{
    CsvTable t;
    t.header = kFailureColumns;
    for (const BenchFailure& f : failures) t.rows.push_back({f.scene, f.variant, f.method, f.problem});
    return t;
}

std::string fixed(double v, int digits)
{
    char text[64];
    std::snprintf(text, sizeof text, "%.*f", digits, v);
    return text;
}

} // namespace

CsvTable benchCsv(const std::vector<BenchRow>& rows)
{
    CsvTable t;
    t.header = kColumns;
    for (const BenchRow& r : rows) t.rows.push_back({r.scene, r.variant, r.method, r.metric, formatNumber(r.value)});
    return t;
}

std::vector<BenchRow> benchRowsFromCsv(const CsvTable& table, const std::string& file)
{
    if (table.header != kColumns) throw Error(file, "is not a bench table (columns scene, variant, method, metric, value)");
    std::vector<BenchRow> rows;
    for (const auto& r : table.rows) {
        char* end = nullptr;
        const double v = std::strtod(r[4].c_str(), &end);
        if (r[4].empty() || end != r[4].c_str() + r[4].size())
            throw Error(file, "value '" + r[4] + "' of " + r[0] + "/" + r[2] + "/" + r[3] + " is not a number");
        rows.push_back({r[0], r[1], r[2], r[3], v});
    }
    return rows;
}

std::vector<BenchSummaryLine> summariseBench(const std::vector<BenchRow>& rows, const std::vector<std::string>& methodOrder,
                                             const std::string& baseline, const std::vector<BenchRow>& published)
{
    std::vector<std::string> metrics, variants;
    for (const BenchRow& r : rows) {
        if (std::find(metrics.begin(), metrics.end(), r.metric) == metrics.end()) metrics.push_back(r.metric);
        if (std::find(variants.begin(), variants.end(), r.variant) == variants.end()) variants.push_back(r.variant);
    }
    // Metrics in the bench's own order where known.
    const std::vector<std::string> order = benchMetricKeys();
    std::stable_sort(metrics.begin(), metrics.end(), [&](const std::string& a, const std::string& b) {
        const auto ia = std::find(order.begin(), order.end(), a), ib = std::find(order.begin(), order.end(), b);
        return ia < ib;
    });
    std::stable_sort(variants.begin(), variants.end(), [](const std::string& a, const std::string& b) { return a == "whole" && b != "whole"; });

    // value[(metric, variant, method)][scene]
    std::map<std::tuple<std::string, std::string, std::string>, std::map<std::string, double>> values;
    for (const BenchRow& r : rows) values[{r.metric, r.variant, r.method}][r.scene] = r.value;
    // published means per (metric, variant, method)
    std::map<std::tuple<std::string, std::string, std::string>, std::vector<double>> publishedValues;
    std::map<std::tuple<std::string, std::string, std::string>, double> publishedMean;
    for (const BenchRow& r : published) {
        if (r.scene == "mean") publishedMean[{r.metric, r.variant, r.method}] = r.value;
        else publishedValues[{r.metric, r.variant, r.method}].push_back(r.value);
    }
    for (const auto& [key, v] : publishedValues)
        if (!publishedMean.count(key)) publishedMean[key] = std::accumulate(v.begin(), v.end(), 0.0) / double(v.size());

    std::vector<BenchSummaryLine> out;
    for (const std::string& metric : metrics)
        for (const std::string& variant : variants) {
            std::vector<BenchSummaryLine> block;
            const auto& base = values[{metric, variant, baseline}];
            for (const std::string& method : methodOrder) {
                const auto it = values.find({metric, variant, method});
                if (it == values.end() || it->second.empty()) continue;
                BenchSummaryLine line;
                line.method = method;
                line.metric = metric;
                line.variant = variant;
                std::vector<double> v;
                for (const auto& [scene, value] : it->second) v.push_back(value);
                line.count = int(v.size());
                line.mean = std::accumulate(v.begin(), v.end(), 0.0) / double(v.size());
                line.median = medianOf(v);
                if (method != baseline)
                    for (const auto& [scene, value] : it->second) {
                        const auto b = base.find(scene);
                        if (b == base.end()) continue;
                        ++line.comparisons;
                        line.wins += value > b->second;
                    }
                block.push_back(line);
            }
            for (BenchSummaryLine& line : block) {
                line.rankOf = int(block.size());
                line.rank = 1 + int(std::count_if(block.begin(), block.end(), [&](const BenchSummaryLine& o) { return o.mean > line.mean; }));
                int better = 0, of = 0;
                for (const auto& [key, mean] : publishedMean)
                    if (std::get<0>(key) == metric && std::get<1>(key) == variant) {
                        ++of;
                        better += mean > line.mean;
                    }
                if (of > 0) {
                    line.publishedRank = better + 1;
                    line.publishedOf = of + 1;
                }
            }
            out.insert(out.end(), block.begin(), block.end());
        }
    return out;
}

std::string benchMarkdown(const std::vector<BenchSummaryLine>& summary, const std::string& baseline, MetricFlavour flavour,
                          const std::vector<BenchFailure>& failures)
{
    std::ostringstream md;
    md << "# FuseLab bench\n\n";
    md << "Metrics in the " << (flavour == MetricFlavour::Mefb ? "MEFB toolkit's" : "FuseLab") << " flavour (`--flavour "
       << toString(flavour) << "`); baseline `" << baseline << "`; higher is better for every metric. Wins: scenes where the "
       << "method scores higher than the baseline. Rank: by mean among these methods"
       << (std::any_of(summary.begin(), summary.end(), [](const BenchSummaryLine& l) { return l.publishedRank.has_value(); })
               ? "; published rank: among the published methods and this one"
               : "")
       << ".\n\n";
    std::string block;
    for (const BenchSummaryLine& l : summary) {
        const std::string key = l.metric + " — " + l.variant;
        if (key != block) {
            block = key;
            md << "\n## " << l.metric << " (" << l.variant << ", " << l.count << " scenes)\n\n";
            md << "| method | mean | median | wins vs " << baseline << " | rank | published rank |\n";
            md << "| --- | --- | --- | --- | --- | --- |\n";
        }
        const bool small = l.metric.rfind("mef_ssim", 0) == 0 || l.metric == "qabf" || l.metric == "vif" || l.metric == "nmi";
        md << "| " << l.method << " | " << fixed(l.mean, small ? 4 : 3) << " | " << fixed(l.median, small ? 4 : 3) << " | "
           << (l.method == baseline ? std::string("—") : std::to_string(l.wins) + " / " + std::to_string(l.comparisons)) << " | "
           << l.rank << " / " << l.rankOf << " | "
           << (l.publishedRank ? std::to_string(*l.publishedRank) + " / " + std::to_string(l.publishedOf) : std::string("—")) << " |\n";
    }
    md << "\nFailed: " << failures.size() << "\n";
    for (const BenchFailure& f : failures) md << "- " << f.scene << " (" << f.variant << ", " << f.method << "): " << f.problem << "\n";
    return md.str();
}

void writeBenchFiles(const std::string& outputDir, const BenchRun& run, const std::vector<std::string>& methodOrder,
                     const std::string& baseline, MetricFlavour flavour, const std::vector<BenchRow>& published)
{
    const fs::path dir(outputDir);
    writeFileAtomically((dir / "results.csv").string(), formatCsv(benchCsv(run.rows)));
    writeFileAtomically((dir / "failures.csv").string(), formatCsv(failureCsv(run.failures)));
    writeFileAtomically((dir / "table.md").string(),
                        benchMarkdown(summariseBench(run.rows, methodOrder, baseline, published), baseline, flavour, run.failures));
}

void mergeBenchRuns(const std::vector<std::string>& shardDirs, const std::string& outputDir, const std::vector<BenchRow>& published)
{
    if (shardDirs.empty()) throw Error("nothing to merge");
    nlohmann::json first;
    std::vector<BenchRow> rows;
    std::vector<BenchFailure> failures;
    std::set<std::string> seenScenes;
    for (const std::string& shard : shardDirs) {
        const std::string manifestPath = (fs::path(shard) / "bench.json").string();
        nlohmann::json manifest;
        try {
            manifest = nlohmann::json::parse(readText(manifestPath));
        } catch (const nlohmann::json::exception& e) {
            throw Error(manifestPath, std::string("is not a bench manifest: ") + e.what());
        }
        if (first.is_null()) {
            first = manifest;
        } else {
            for (const char* key : {"methods", "metrics", "flavour", "pairs", "baseline", "scenes"})
                if (manifest[key] != first[key])
                    throw Error(shard, std::string("was run with other ") + key + " than " + shardDirs.front() + "; only shards of one bench merge");
        }
        const std::string csvPath = (fs::path(shard) / "results.csv").string();
        std::set<std::string> scenesHere;
        for (const BenchRow& r : benchRowsFromCsv(parseCsv(readText(csvPath), csvPath), csvPath)) {
            scenesHere.insert(r.scene);
            rows.push_back(r);
        }
        const std::string failurePath = (fs::path(shard) / "failures.csv").string();
        std::error_code ec;
        if (fs::exists(failurePath, ec)) {
            const CsvTable t = parseCsv(readText(failurePath), failurePath);
            for (const auto& r : t.rows) {
                scenesHere.insert(r[0]);
                failures.push_back({r[0], r[1], r[2], r[3]});
            }
        }
        for (const std::string& s : scenesHere)
            if (!seenScenes.insert(s).second) throw Error(shard, "repeats scene '" + s + "' of an earlier shard");
    }
    // The order of one run: scenes by name, whole before pair, methods and metrics as run.
    std::vector<std::string> methods, metrics = first["metrics"].get<std::vector<std::string>>();
    for (const auto& m : first["methods"]) methods.push_back(m["name"].get<std::string>());
    const std::vector<std::string> sceneOrder = first["scenes"].get<std::vector<std::string>>();
    auto index = [](const std::vector<std::string>& v, const std::string& s) { return std::find(v.begin(), v.end(), s) - v.begin(); };
    std::stable_sort(rows.begin(), rows.end(), [&](const BenchRow& a, const BenchRow& b) {
        const auto ka = std::make_tuple(index(sceneOrder, a.scene), a.variant != "whole", index(methods, a.method), index(metrics, a.metric));
        const auto kb = std::make_tuple(index(sceneOrder, b.scene), b.variant != "whole", index(methods, b.method), index(metrics, b.metric));
        return ka < kb;
    });
    std::stable_sort(failures.begin(), failures.end(), [&](const BenchFailure& a, const BenchFailure& b) {
        return std::make_tuple(index(sceneOrder, a.scene), a.variant != "whole", index(methods, a.method)) <
               std::make_tuple(index(sceneOrder, b.scene), b.variant != "whole", index(methods, b.method));
    });

    std::error_code ec;
    fs::create_directories(outputDir, ec);
    if (!fs::is_directory(outputDir)) throw Error(outputDir, "cannot create the output folder");
    for (const std::string& shard : shardDirs) {
        const fs::path fused = fs::path(shard) / "fused";
        if (!fs::is_directory(fused, ec)) continue;
        for (const fs::directory_entry& e : fs::recursive_directory_iterator(fused, ec)) {
            const fs::path target = fs::path(outputDir) / "fused" / fs::relative(e.path(), fused);
            if (e.is_directory()) fs::create_directories(target, ec);
            else if (fs::absolute(e.path()) != fs::absolute(target)) fs::copy_file(e.path(), target, fs::copy_options::overwrite_existing, ec);
            if (ec) throw Error(target.string(), "cannot copy the fused image: " + ec.message());
        }
    }
    BenchRun run;
    run.rows = std::move(rows);
    run.failures = std::move(failures);
    nlohmann::json manifest = first;
    manifest["shard"] = "0/1";
    writeFileAtomically((fs::path(outputDir) / "bench.json").string(), nlohmann::ordered_json::parse(manifest.dump()).dump(2) + "\n");
    writeBenchFiles(outputDir, run, methods, first["baseline"].get<std::string>(),
                    metricFlavourFromString(first["flavour"].get<std::string>()), published);
}

} // namespace fuselab
