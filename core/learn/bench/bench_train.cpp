// fuselab-bench-train: training throughput (steps/s, stacks/s, images/s) and network-fusion
// latency, on the CPU and, in the same run, on CUDA when LibTorch sees a device. Builds in the
// standalone core/learn build (LibTorch + a compiler only), so it runs on a GPU machine as is.
//
//   fuselab-bench-train [--batch 8] [--patch 160] [--exposures 4] [--steps 20] [--warmup 3]
//                       [--devices cpu,cuda] [--threads 0] [--fuse WxH] [--fuse-runs 5]
#include "fuselab/base/error.hpp"
#include "fuselab/learn/backend.hpp"
#include "fuselab/learn/distributed.hpp"
#include "fuselab/learn/fusion_model.hpp"
#include "fuselab/learn/trainer.hpp"
#include "fuselab/learn/training_data.hpp"
#include "fuselab/base/parallel.hpp"
#include "fuselab/base/synthetic.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

using namespace fuselab;
using namespace fuselab::learn;

namespace {

struct Options {
    int batch = 8, patch = 160, exposures = 4, steps = 20, warmup = 3, threads = 0, fuseRuns = 5;
    int fuseW = 0, fuseH = 0; // 0 = 3840×2160 on CUDA, 1024×768 on the CPU
    std::vector<std::string> devices; // empty = cpu, plus cuda when available
};

void usage()
{
    std::printf("usage: fuselab-bench-train [--batch N] [--patch PX] [--exposures K] [--steps N] [--warmup N]\n"
                "                           [--devices cpu,cuda] [--threads N] [--fuse WxH] [--fuse-runs N]\n");
}

Options parse(int argc, char** argv)
{
    Options o;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        auto next = [&]() -> std::string {
            if (i + 1 >= argc) {
                usage();
                std::exit(2);
            }
            return argv[++i];
        };
        if (a == "--batch") o.batch = std::stoi(next());
        else if (a == "--patch") o.patch = std::stoi(next());
        else if (a == "--exposures") o.exposures = std::stoi(next());
        else if (a == "--steps") o.steps = std::stoi(next());
        else if (a == "--warmup") o.warmup = std::stoi(next());
        else if (a == "--threads") o.threads = std::stoi(next());
        else if (a == "--fuse-runs") o.fuseRuns = std::stoi(next());
        else if (a == "--fuse") {
            const std::string s = next();
            if (std::sscanf(s.c_str(), "%dx%d", &o.fuseW, &o.fuseH) != 2) {
                usage();
                std::exit(2);
            }
        } else if (a == "--devices") {
            std::string s = next();
            std::size_t p = 0;
            while (p <= s.size()) {
                const std::size_t q = std::min(s.find(',', p), s.size());
                o.devices.push_back(s.substr(p, q - p));
                p = q + 1;
            }
        } else if (a == "--help" || a == "-h") {
            usage();
            std::exit(0);
        } else {
            usage();
            std::exit(2);
        }
    }
    return o;
}

double seconds(std::chrono::steady_clock::time_point t)
{
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
}

void benchTraining(const Options& o, DeviceChoice device)
{
    SyntheticSourceOptions so;
    so.minExposures = so.maxExposures = o.exposures;
    TrainerConfig config;
    config.device = device;
    config.threads = o.threads;
    config.validationStacks = 1;
    ParamValues v;
    v.set("batch", std::int64_t(o.batch));
    v.set("patch_px", std::int64_t(o.patch));
    auto trainer = createTrainer(config, makeSyntheticSource(so), v);
    for (int i = 0; i < o.warmup; ++i) trainer->step();
    // Data generation is part of a step; time it separately to show what the network costs.
    const auto source = makeSyntheticSource(so);
    const auto td = std::chrono::steady_clock::now();
    for (int i = 0; i < o.steps; ++i) source->batch(std::uint64_t(1000 + i), o.batch, o.patch);
    const double dataS = seconds(td) / o.steps;
    const auto t0 = std::chrono::steady_clock::now();
    for (int i = 0; i < o.steps; ++i) trainer->step();
    const double s = seconds(t0) / o.steps;
    const TrainerStatus st = trainer->status();
    std::printf("train  %-7s threads %d  batch %d  patch %d px  K %d: %.3f s/step  %.2f steps/s  %.1f stacks/s  %.1f images/s"
                "  (synthetic data %.3f s/step of it)\n",
                st.device.c_str(), st.threads, o.batch, o.patch, o.exposures, s, 1.0 / s, o.batch / s, o.batch * o.exposures / s,
                dataS);
}

void benchFusion(const Options& o, DeviceChoice device, bool cuda)
{
    const int w = o.fuseW > 0 ? o.fuseW : (cuda ? 3840 : 1024);
    const int h = o.fuseH > 0 ? o.fuseH : (cuda ? 2160 : 768);
    std::vector<Image> frames;
    {
        const Image scene = makeSyntheticScene({"interior", w, h, 3});
        ExposureSimulation sim;
        for (int k = 0; k < o.exposures; ++k) sim.stops.push_back(2.0 * (k - 0.5 * (o.exposures - 1)));
        sim.exposureScale = autoExposureScale(scene);
        for (const SimulatedFrame& f : exposeScene(scene, sim)) frames.push_back(f.pixels.toFloat());
    }
    auto model = createFusionModel(FusionNetConfig{}, 1);
    FuseOptions fo;
    fo.device = device;
    NullProgress p;
    model->fuse(frames, std::vector<Modality>(frames.size(), Modality::Exposure), fo, p); // warm-up (allocations, kernels)
    std::vector<double> times;
    FuseResult r;
    for (int i = 0; i < o.fuseRuns; ++i) {
        const auto t0 = std::chrono::steady_clock::now();
        r = model->fuse(frames, std::vector<Modality>(frames.size(), Modality::Exposure), fo, p);
        times.push_back(seconds(t0) * 1000.0);
    }
    std::sort(times.begin(), times.end());
    std::printf("fuse   %-7s %dx%d x%d (network %dx%d, %d levels, everything in LibTorch incl. host transfers): median %.1f ms"
                "  min %.1f ms\n",
                r.device.c_str(), w, h, o.exposures, r.lowResWidthPx, r.lowResHeightPx, r.pyramidLevels, times[times.size() / 2],
                times.front());
}

} // namespace

int main(int argc, char** argv)
{
    const Options o = parse(argc, argv);
    try {
        setWorkerThreads(o.threads);
        configureThreads(o.threads);
        const BackendInfo info = backendInfo();
        const DistributedBackends db = distributedBackends();
        std::printf("LibTorch %s, intra-op threads %d, CUDA %s (%d devices), c10d gloo %s, nccl %s\n", info.torchVersion.c_str(),
                    info.intraOpThreads, info.cudaAvailable ? "yes" : "no", info.cudaDeviceCount, db.gloo ? "yes" : "no",
                    db.nccl ? "yes" : "no");
        std::vector<std::string> devices = o.devices;
        if (devices.empty()) {
            devices.push_back("cpu");
            if (info.cudaAvailable) devices.push_back("cuda");
        }
        for (const std::string& d : devices) {
            const DeviceChoice choice = parseDeviceChoice(d);
            if (choice == DeviceChoice::Cuda && !info.cudaAvailable) {
                std::printf("cuda: skipped, LibTorch sees no CUDA device\n");
                continue;
            }
            benchTraining(o, choice);
            benchFusion(o, choice, choice == DeviceChoice::Cuda);
        }
    } catch (const std::exception& e) {
        std::fprintf(stderr, "fuselab-bench-train: error: %s\n", e.what());
        return 1;
    }
    return 0;
}
