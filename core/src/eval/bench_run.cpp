// runBench: scenes × variants × methods → fused images, metric rows, and the files of a run.
#include "fuselab/bench.hpp"

#include "bench_files.hpp"

#include "fuselab/base/colour.hpp"
#include "fuselab/base/error.hpp"
#include "fuselab/io.hpp"
#include "fuselab/mefb_metrics.hpp"
#include "fuselab/metrics.hpp"
#include "fuselab/sidecar.hpp"
#include "fuselab/stack_io.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>

namespace fuselab {

namespace fs = std::filesystem;

std::string_view toString(MetricFlavour flavour)
{
    return flavour == MetricFlavour::Mefb ? "mefb" : "fuselab";
}

MetricFlavour metricFlavourFromString(const std::string& text)
{
    if (text == "fuselab") return MetricFlavour::FuseLab;
    if (text == "mefb") return MetricFlavour::Mefb;
    throw Error("unknown metric flavour '" + text + "' (fuselab or mefb)");
}

std::vector<std::string> benchMetricKeys()
{
    return {"mef_ssim", "mef_ssim_single_scale", "qabf", "vif", "nmi", "entropy", "spatial_frequency", "standard_deviation",
            "average_gradient"};
}

std::vector<double> computeBenchMetrics(const SampleImage& fused, const ExposureStack& stack, MetricFlavour flavour, ProgressSink& progress)
{
    if (flavour == MetricFlavour::Mefb) return mefb::benchMetrics(fused, stack, progress);
    const std::vector<MetricValue> all = computeFusionMetrics(fused, stack, nullptr, MetricSuiteOptions{}, progress);
    std::vector<double> out;
    for (const std::string& key : benchMetricKeys()) {
        const auto it = std::find_if(all.begin(), all.end(), [&](const MetricValue& v) { return v.key == key; });
        if (it == all.end()) throw Error("the metric suite has no '" + key + "'");
        if (!it->value) throw Error(key + " is not defined here: " + it->note);
        out.push_back(*it->value);
    }
    return out;
}

std::string BenchMethod::directoryName() const
{
    std::string out;
    for (char c : name) out += (std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.') ? c : '_';
    return out.empty() ? std::string("method") : out;
}

std::vector<std::string> listBenchScenes(const std::string& folder)
{
    std::error_code ec;
    if (!fs::is_directory(folder, ec)) throw Error(folder, "is not a folder");
    std::vector<std::string> scenes;
    for (const fs::directory_entry& e : fs::directory_iterator(folder, ec))
        if (e.is_directory() && e.path().filename().string()[0] != '.') scenes.push_back(e.path().filename().string());
    if (ec) throw Error(folder, "cannot list the folder: " + ec.message());
    std::sort(scenes.begin(), scenes.end());
    if (scenes.empty()) throw Error(folder, "holds no scene folders (one sub-folder per scene)");
    return scenes;
}

namespace {

// The result as an 8-bit file holds it: what is scored is what a user opens.
SampleImage asWritten8(const Image& image)
{
    const Image encoded = image.encoding() == ColourEncoding::Linear ? withEncoding(image, ColourEncoding::Srgb) : image;
    Image8 out = Image8::uninitialised(encoded.width(), encoded.height(), encoded.channels(), ColourEncoding::Srgb);
    for (int y = 0; y < encoded.height(); ++y) {
        const float* src = encoded.row(y);
        std::uint8_t* dst = out.row(y);
        for (int i = 0; i < encoded.width() * encoded.channels(); ++i)
            dst[i] = std::uint8_t(std::lround(std::clamp(src[i], 0.0f, 1.0f) * 255.0f));
    }
    return SampleImage(out);
}

// A folder method's image for a scene: <scene>.<ext> or <scene>-pair.<ext>, any image format.
std::string findFusedImage(const std::string& folder, const std::string& stem)
{
    std::error_code ec;
    for (const fs::directory_entry& e : fs::directory_iterator(folder, ec))
        if (e.is_regular_file() && e.path().stem().string() == stem && formatFromContent(e.path().string()) != FileFormat::Unknown)
            return e.path().string();
    throw Error(folder, "holds no image named " + stem + ".<ext>");
}

std::string formatEta(double seconds)
{
    char text[32];
    const int s = int(std::lround(seconds));
    std::snprintf(text, sizeof text, "%d:%02d", s / 60, s % 60);
    return text;
}

// Reports of the work inside a scene, prefixed with the scene and the ETA ("scene 3/32 name,
// ETA 1:20: VIF"), so the progress line always says where the run is and how long is left.
class PrefixedProgress final : public ProgressSink {
public:
    PrefixedProgress(ProgressSink& parent, std::string prefix) : m_parent(parent), m_prefix(std::move(prefix)) {}
    void report(double fraction01, std::string_view stage) override
    {
        m_parent.report(fraction01, stage.empty() ? m_prefix : m_prefix + ": " + std::string(stage));
    }
    bool isCancelled() const override { return m_parent.isCancelled(); }

private:
    ProgressSink& m_parent;
    std::string m_prefix;
};

struct Variant {
    const char* name;
    ExposureStack stack;
};

void writeManifest(const std::string& folder, const std::vector<std::string>& scenes, const BenchOptions& options)
{
    nlohmann::ordered_json j;
    j["tool"] = "fuselab bench";
    j["folder"] = folder;
    j["scenes"] = scenes;
    nlohmann::ordered_json methods = nlohmann::ordered_json::array();
    for (const BenchMethod& m : options.methods) methods.push_back({{"name", m.name}, {"directory", m.directoryName()}});
    j["methods"] = methods;
    j["metrics"] = benchMetricKeys();
    j["baseline"] = options.baseline.empty() ? options.methods.front().name : options.baseline;
    j["flavour"] = std::string(toString(options.flavour));
    j["pairs"] = options.extremePairs;
    j["shard"] = std::to_string(options.shardIndex) + "/" + std::to_string(options.shardCount);
    writeFileAtomically((fs::path(options.outputDir) / "bench.json").string(), j.dump(2) + "\n");
}

} // namespace

BenchRun runBench(const std::string& folder, const BenchOptions& options, ProgressSink& progress,
                  const std::function<void(const BenchRun&)>& onScene)
{
    if (options.methods.empty()) throw Error("a bench needs at least one method");
    if (options.shardCount < 1 || options.shardIndex < 0 || options.shardIndex >= options.shardCount)
        throw Error("shard " + std::to_string(options.shardIndex) + "/" + std::to_string(options.shardCount) + " does not exist");
    if (options.outputDir.empty()) throw Error("a bench needs an output folder");
    std::vector<std::string> methodOrder;
    for (const BenchMethod& m : options.methods) {
        if (std::find(methodOrder.begin(), methodOrder.end(), m.name) != methodOrder.end()) throw Error("method '" + m.name + "' is given twice");
        methodOrder.push_back(m.name);
    }
    const std::string baseline = options.baseline.empty() ? methodOrder.front() : options.baseline;
    if (std::find(methodOrder.begin(), methodOrder.end(), baseline) == methodOrder.end())
        throw Error("the baseline '" + baseline + "' is not one of the methods");
    const std::vector<std::string> scenes = listBenchScenes(folder);
    std::error_code ec;
    fs::create_directories(options.outputDir, ec);
    if (!fs::is_directory(options.outputDir)) throw Error(options.outputDir, "cannot create the output folder");
    for (const BenchMethod& m : options.methods) fs::create_directories(fs::path(options.outputDir) / "fused" / m.directoryName(), ec);
    writeManifest(folder, scenes, options);

    std::vector<std::string> mine;
    for (std::size_t i = 0; i < scenes.size(); ++i)
        if (int(i % std::size_t(options.shardCount)) == options.shardIndex) mine.push_back(scenes[i]);
    BenchRun run;
    run.scenes = int(mine.size());
    const std::vector<std::string> keys = benchMetricKeys();
    const auto start = std::chrono::steady_clock::now();
    for (std::size_t s = 0; s < mine.size() && !run.cancelled; ++s) {
        const std::string& scene = mine[s];
        ProgressSpan sceneRange(progress, double(s) / double(mine.size()), double(s + 1) / double(mine.size()));
        std::string stage = "scene " + std::to_string(s + 1) + "/" + std::to_string(mine.size()) + " " + scene;
        if (s > 0) {
            const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
            stage += ", ETA " + formatEta(elapsed / double(s) * double(mine.size() - s));
        }
        PrefixedProgress sceneSpan(sceneRange, stage);
        sceneSpan.report(0.0, "");
        std::vector<Variant> variants;
        try {
            ExposureStack whole = loadStack({(fs::path(folder) / scene).string()}, StackLoadOptions{}).stack;
            if (options.extremePairs) {
                ExposureStack pair;
                pair.frames = {whole.frames.front(), whole.frames.back()};
                variants.push_back({"whole", std::move(whole)});
                variants.push_back({"pair", std::move(pair)});
            } else {
                variants.push_back({"whole", std::move(whole)});
            }
        } catch (const Error& e) {
            for (const BenchMethod& m : options.methods) run.failures.push_back({scene, "whole", m.name, e.what()});
            continue;
        }
        const std::size_t jobs = variants.size() * options.methods.size();
        std::size_t job = 0;
        for (const Variant& v : variants) {
            const std::string stem = scene + (std::string(v.name) == "pair" ? "-pair" : "");
            std::vector<std::string> inputs;
            for (const StackFrame& f : v.stack.frames) inputs.push_back(f.path);
            for (const BenchMethod& m : options.methods) {
                ProgressSpan span(sceneSpan, double(job) / double(jobs), double(job + 1) / double(jobs));
                ++job;
                try {
                    progress.checkCancelled();
                    SampleImage fused;
                    if (m.op) {
                        OperatorInput input;
                        input.stack = &v.stack;
                        ProgressSpan fusing(span, 0.0, 0.4);
                        fused = asWritten8(runOperator(*m.op, input, m.values, fusing).image);
                        const std::string path = (fs::path(options.outputDir) / "fused" / m.directoryName() / (stem + ".png")).string();
                        writeImage(path, fused);
                        Sidecar sidecar;
                        sidecar.command = "fuselab bench " + m.name;
                        sidecar.operators.push_back({m.op->info().id, m.op->info().version, resolveParamValues(m.op->params(), m.values)});
                        sidecar.inputFiles = inputs;
                        writeSidecar(path, sidecar);
                    } else {
                        fused = readImage(findFusedImage(m.folder, stem)).pixels;
                    }
                    ProgressSpan measuring(span, 0.4, 1.0);
                    const std::vector<double> values = computeBenchMetrics(fused, v.stack, options.flavour, measuring);
                    for (std::size_t k = 0; k < keys.size(); ++k) run.rows.push_back({scene, v.name, m.name, keys[k], values[k]});
                } catch (const Cancelled&) {
                    run.cancelled = true;
                    break;
                } catch (const Error& e) {
                    run.failures.push_back({scene, v.name, m.name, e.what()});
                }
            }
            if (run.cancelled) break;
        }
        writeBenchFiles(options.outputDir, run, methodOrder, baseline, options.flavour, options.published);
        if (onScene) onScene(run);
    }
    writeBenchFiles(options.outputDir, run, methodOrder, baseline, options.flavour, options.published);
    return run;
}

} // namespace fuselab
