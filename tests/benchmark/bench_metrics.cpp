// fuselab-bench-metrics: MEF-SSIM of a 12 MP fused image against its 4-frame stack, next
// to its 2 s target (SPEC §4 issue "Quality metrics that researchers trust"), plus the time
// of the whole metric suite the CLI's `metrics` prints.
//
//   fuselab-bench-metrics [--stack DIR] [--runs N] [--enforce]
//
// Without --stack it uses ../shared/data/brackets/meflut-1 (4000×3000, EV +2, 0, −2, −4), or
// a synthetic 4000×3000 4-frame stack where that is absent. The fused image is our Mertens
// fusion, 8-bit as it would be written. --enforce exits 1 when the median misses the target.
#include "fuselab/mertens.hpp"
#include "fuselab/metrics.hpp"
#include "fuselab/base/parallel.hpp"
#include "fuselab/stack_io.hpp"
#include "fuselab/base/synthetic.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

using namespace fuselab;
using Clock = std::chrono::steady_clock;

namespace {

constexpr double kTargetSeconds = 2.0;

double seconds(Clock::time_point a, Clock::time_point b) { return std::chrono::duration<double>(b - a).count(); }

double median(std::vector<double> v)
{
    std::sort(v.begin(), v.end());
    return v.empty() ? 0.0 : (v.size() % 2 ? v[v.size() / 2] : 0.5 * (v[v.size() / 2 - 1] + v[v.size() / 2]));
}

ExposureStack syntheticStack()
{
    const Image scene = makeSyntheticScene({"interior", 4000, 3000, 1});
    ExposureSimulation sim;
    sim.stops = {2, 0, -2, -4};
    sim.exposureScale = autoExposureScale(scene);
    ExposureStack stack;
    for (const SimulatedFrame& f : exposeScene(scene, sim)) {
        StackFrame frame;
        frame.path = "synthetic";
        frame.pixels = f.pixels;
        frame.exposure.stops = f.stops;
        stack.frames.push_back(frame);
    }
    return stack;
}

} // namespace

int main(int argc, char** argv)
{
    std::string stackDir = std::string(FUSELAB_SHARED_DATA_DIR) + "/brackets/meflut-1";
    int runs = 3;
    bool enforce = false;
    for (int i = 1; i < argc; ++i) {
        if (!std::strcmp(argv[i], "--stack") && i + 1 < argc) stackDir = argv[++i];
        else if (!std::strcmp(argv[i], "--runs") && i + 1 < argc) runs = std::max(1, std::atoi(argv[++i]));
        else if (!std::strcmp(argv[i], "--enforce")) enforce = true;
        else {
            std::fprintf(stderr, "usage: fuselab-bench-metrics [--stack DIR] [--runs N] [--enforce]\n");
            return 2;
        }
    }
    setWorkerThreads(0);
    ExposureStack stack;
    std::string source;
    if (std::filesystem::is_directory(stackDir)) {
        StackLoadOptions options;
        options.evs = {2, 0, -2, -4};
        stack = loadStack({stackDir}, options).stack;
        source = stackDir;
    } else {
        stack = syntheticStack();
        source = "synthetic interior (shared data absent)";
    }
    NullProgress quiet;
    FusionOptions fusionOptions;
    fusionOptions.outputType = FusedSampleType::U8;
    const SampleImage fused = fuseMertens(stack, MertensParams{}, fusionOptions, quiet).fused;
    const double megapixels = double(fused.width()) * double(fused.height()) / 1e6;
    std::printf("stack: %s, %zu frames, %dx%d (%.1f MP), %d worker threads\n", source.c_str(), stack.size(), fused.width(),
                fused.height(), megapixels, workerThreads());

    std::vector<double> total, grey, score;
    MefSsimResult result;
    for (int r = 0; r < runs; ++r) {
        const auto t0 = Clock::now();
        const Image fusedGrey = metricGrey(fused);
        std::vector<Image> sources;
        for (const StackFrame& f : stack.frames) sources.push_back(metricGrey(f.pixels));
        const auto t1 = Clock::now();
        result = mefSsimGrey(fusedGrey, sources, MefSsimParams{}, quiet);
        const auto t2 = Clock::now();
        grey.push_back(seconds(t0, t1));
        score.push_back(seconds(t1, t2));
        total.push_back(seconds(t0, t2));
    }
    const double med = median(total);
    std::printf("MEF-SSIM %.4f (single scale %.4f): median %.3f s of %d runs (grey planes %.3f s, 3 scales %.3f s); "
                "target %.1f s: %s\n",
                result.score, result.singleScale, med, runs, median(grey), median(score), kTargetSeconds,
                med <= kTargetSeconds ? "met" : "MISSED");

    const auto s0 = Clock::now();
    const std::vector<MetricValue> all = computeFusionMetrics(fused, stack, nullptr, MetricSuiteOptions{}, quiet);
    const auto s1 = Clock::now();
    std::printf("whole suite (what `fuselab-cli metrics` computes): %.3f s\n", seconds(s0, s1));
    for (const MetricValue& v : all)
        if (v.value) std::printf("  %-22s %.6g\n", v.key.c_str(), *v.value);
    return enforce && med > kTargetSeconds ? 1 : 0;
}
