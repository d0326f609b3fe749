// fuselab-bench-learned: the learned fusion beside Mertens on real and synthetic stacks —
// MEF-SSIM (SPEC §4, computed by fuselab_learn's double-precision implementation), and the
// wall time of each fusion on this machine (the inference path the CLI uses: LibTorch at low
// resolution, torch-free full-resolution weights, fuselab_core's pyramidBlend).
//
//   fuselab-bench-learned [--model FILE] [--runs N] [--max-side PX] [--out DIR] [--synthetic N] [--no-score] [STACK_DIR...]
// Without STACK_DIRs: ../shared/data/brackets/meflut-1 and meflut-3 (skipped when absent).
#include "fuselab/io.hpp"
#include "fuselab/learn/backend.hpp"
#include "fuselab/learn/evaluation.hpp"
#include "fuselab/learn/fusion_model.hpp"
#include "fuselab/learn/model_files.hpp"
#include "fuselab/learn/training_data.hpp"
#include "fuselab/mertens.hpp"
#include "fuselab/base/parallel.hpp"
#include "fuselab/pyramid.hpp"
#include "fuselab/runtime.hpp"
#include "fuselab/stack_io.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

using namespace fuselab;

namespace {

double msSince(std::chrono::steady_clock::time_point t)
{
    return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t).count();
}

struct Row {
    std::string name;
    learn::MefSsimScore mertens, learned;
    double mertensMs = 0, learnedMs = 0;
    learn::FuseResult detail;
};

Row evaluate(const std::string& name, const ExposureStack& stack, const learn::FusionModel& model, int runs, const std::string& outDir,
             bool score)
{
    Row row;
    row.name = name;
    NullProgress p;
    std::vector<Image> inputs;
    for (const StackFrame& f : stack.frames) inputs.push_back(f.pixels.toFloat());
    FusionOptions mo;
    mo.outputType = FusedSampleType::Float;
    learn::FuseOptions lo;
    lo.device = learn::DeviceChoice::Cpu;
    lo.blend = &pyramidBlend;
    Image mertens, learned;
    std::vector<double> tm, tl;
    for (int r = 0; r < runs; ++r) {
        auto t0 = std::chrono::steady_clock::now();
        mertens = *fuseMertens(stack, MertensParams{}, mo, p).fused.asFloat();
        tm.push_back(msSince(t0));
        t0 = std::chrono::steady_clock::now();
        row.detail = model.fuse(stack, lo, p);
        tl.push_back(msSince(t0));
        learned = row.detail.fused;
    }
    std::sort(tm.begin(), tm.end());
    std::sort(tl.begin(), tl.end());
    row.mertensMs = tm[tm.size() / 2];
    row.learnedMs = tl[tl.size() / 2];
    if (score) {
        row.mertens = learn::mefSsim(inputs, mertens);
        row.learned = learn::mefSsim(inputs, learned);
    }
    if (!outDir.empty()) {
        std::string safe = name;
        for (char& c : safe)
            if (c == '/' || c == ' ' || c == '#') c = '_';
        WriteOptions w;
        writeImage(outDir + "/" + safe + "-mertens.png", mertens, w);
        writeImage(outDir + "/" + safe + "-learned.png", learned, w);
    }
    return row;
}

} // namespace

int main(int argc, char** argv)
{
    std::string modelPath, outDir;
    int runs = 1, maxSide = 0, synthetic = 6;
    bool score = true;
    std::vector<std::string> dirs;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        auto next = [&] { return i + 1 < argc ? std::string(argv[++i]) : std::string(); };
        if (a == "--model") modelPath = next();
        else if (a == "--runs") runs = std::max(1, std::stoi(next()));
        else if (a == "--max-side") maxSide = std::stoi(next());
        else if (a == "--out") outDir = next();
        else if (a == "--synthetic") synthetic = std::stoi(next());
        else if (a == "--no-score") score = false;
        else dirs.push_back(a);
    }
    try {
        configureRuntime(0);
        learn::configureThreads(workerThreads());
        if (modelPath.empty()) modelPath = learn::resolveShippedModel({FUSELAB_SOURCE_MODELS_DIR});
        const auto model = learn::loadFusionModel(modelPath);
        std::printf("model %s (%lld parameters, digest %s, detail β %.3f ε %.2e), LibTorch %s, %d threads\n", modelPath.c_str(),
                    static_cast<long long>(model->info().parameterCount), model->info().parameterDigest.c_str(),
                    model->info().detailExponent, model->info().detailFloor,
                    learn::backendInfo().torchVersion.c_str(), learn::backendInfo().intraOpThreads);
        if (dirs.empty())
            for (const char* s : {"brackets/meflut-1", "brackets/meflut-3"}) {
                const std::string d = std::string(FUSELAB_SHARED_DATA_DIR) + "/" + s;
                if (std::filesystem::exists(d)) dirs.push_back(d);
                else std::printf("%s: absent, skipped\n", d.c_str());
            }
        std::vector<Row> rows;
        for (const std::string& d : dirs) {
            LoadedStack loaded = loadStack({d}, StackLoadOptions{});
            ExposureStack stack = maxSide > 0 ? makeProxyStack(loaded.stack, maxSide) : loaded.stack;
            rows.push_back(evaluate(std::filesystem::path(d).filename().string() + " " + std::to_string(stack.width()) + "x" +
                                        std::to_string(stack.height()),
                                    stack, *model, runs, outDir, score));
        }
        if (synthetic > 0) {
            // Held out: generated stacks of 3, 4 and 5 exposures from the validation stream with
            // seed 11, which neither training (its own stream) nor the trainer's validation (seed 7,
            // or the real-HDR maps) ever draws from.
            constexpr std::uint64_t kEvaluationSeed = 11;
            for (int exposures = 3; exposures <= 5; ++exposures)
                for (const learn::TrainingStack& s : learn::makeValidationStacks(synthetic, 512, exposures, kEvaluationSeed)) {
                    ExposureStack stack;
                    for (const Image& im : s.inputs) stack.frames.push_back({s.name, SampleImage(im), {}, {}, {}});
                    rows.push_back(evaluate(s.name + " K=" + std::to_string(exposures) + " 512x384", stack, *model, 1, outDir, score));
                }
        }
        std::printf("%-28s %12s %12s %12s %12s %10s %10s  (learned: network / weights / blend ms)\n", "stack", "Mertens MEF",
                    "learned MEF", "Mertens MS", "learned MS", "Mertens ms", "learned ms");
        double sm = 0, sl = 0;
        int synthCount = 0, synthWins = 0;
        for (const Row& r : rows) {
            std::printf("%-28s %12.5f %12.5f %12.5f %12.5f %10.0f %10.0f  (%.0f / %.0f / %.0f)\n", r.name.c_str(), r.mertens.singleScale,
                        r.learned.singleScale, r.mertens.multiScale, r.learned.multiScale, r.mertensMs, r.learnedMs, r.detail.networkMs,
                        r.detail.weightsMs, r.detail.blendMs);
            if (r.name.rfind("validation", 0) == 0) {
                sm += r.mertens.singleScale;
                sl += r.learned.singleScale;
                ++synthCount;
                synthWins += r.learned.singleScale > r.mertens.singleScale;
            }
        }
        if (synthCount)
            std::printf("mean of %d synthetic held-out stacks (3–5 exposures): Mertens %.5f, learned %.5f; learned above Mertens on %d of %d\n",
                        synthCount, sm / synthCount, sl / synthCount, synthWins, synthCount);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "fuselab-bench-learned: error: %s\n", e.what());
        return 1;
    }
    return 0;
}
