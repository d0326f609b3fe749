// fuselab-bench-fusion: our exposure fusion against OpenCV's MergeMertens (weights 1,1,1) on
// the same stack, in one process, run after run; plus the proxy-preview refusion time.
//
//   fuselab-bench-fusion [--stack DIR] [--runs N]        paired comparison, prints medians and ratios
//   fuselab-bench-fusion --only upscale --size 12000x9000 [--stack DIR] -o DIR
//                                                       the stack scaled up, as JPEGs (memory benchmark)
//   fuselab-bench-fusion --only decode|opencv [--stack DIR] -o OUT.tif
//                                                       one job as a whole process (for peak memory,
//                                                       see compare_peers.sh)
// Without --stack it uses ../shared/data/brackets/meflut-1 (EV +2, 0, −2, −4), or a synthetic
// 4000×3000 stack where that is absent.
#include "fuselab/io.hpp"
#include "fuselab/mertens.hpp"
#include "fuselab/base/parallel.hpp"
#include "fuselab/stack_io.hpp"
#include "fuselab/base/synthetic.hpp"

#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <opencv2/photo.hpp>

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

double seconds(Clock::time_point a, Clock::time_point b) { return std::chrono::duration<double>(b - a).count(); }

double median(std::vector<double> v)
{
    std::sort(v.begin(), v.end());
    return v.empty() ? 0.0 : (v.size() % 2 ? v[v.size() / 2] : 0.5 * (v[v.size() / 2 - 1] + v[v.size() / 2]));
}

std::vector<std::string> stackFiles(const std::string& dir)
{
    return listStackFolder(dir).files;
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

std::vector<cv::Mat> toOpenCv(const ExposureStack& stack)
{
    std::vector<cv::Mat> out;
    for (const StackFrame& f : stack.frames) {
        const Image8& px = *f.pixels.as8();
        cv::Mat m(px.height(), px.width(), CV_8UC3);
        for (int y = 0; y < px.height(); ++y) std::copy(px.row(y), px.row(y) + px.width() * 3, m.ptr<std::uint8_t>(y));
        out.push_back(m);
    }
    return out;
}

// The stack scaled to width × height (bicubic) as baseline JPEGs of quality 95 in folder `output`:
// the large brackets of the memory benchmark, made from a real one.
int writeUpscaled(const std::vector<std::string>& files, int width, int height, const std::string& output)
{
    std::filesystem::create_directories(output);
    for (const std::string& f : files) {
        const cv::Mat m = cv::imread(f, cv::IMREAD_COLOR);
        if (m.empty()) return 1;
        cv::Mat big;
        cv::resize(m, big, cv::Size(width, height), 0, 0, cv::INTER_CUBIC);
        const std::string name = output + "/" + std::filesystem::path(f).stem().string() + ".jpg";
        if (!cv::imwrite(name, big, {cv::IMWRITE_JPEG_QUALITY, 95})) return 1;
    }
    return 0;
}

int runOnly(const std::string& what, const std::vector<std::string>& files, const std::string& output, int width, int height)
{
    if (what == "upscale") return writeUpscaled(files, width, height, output);
    if (what == "decode") {
        // The floor: decoding the JPEGs one after another, as any tool must.
        for (const std::string& f : files) {
            const cv::Mat m = cv::imread(f, cv::IMREAD_COLOR);
            if (m.empty()) return 1;
        }
        return 0;
    }
    if (what == "opencv") {
        std::vector<cv::Mat> images;
        for (const std::string& f : files) images.push_back(cv::imread(f, cv::IMREAD_COLOR));
        cv::Mat fused, out8;
        cv::createMergeMertens(1.0f, 1.0f, 1.0f)->process(images, fused);
        fused.convertTo(out8, CV_8UC3, 255.0);
        return cv::imwrite(output.empty() ? "/tmp/fuselab-bench-opencv.tif" : output, out8) ? 0 : 1;
    }
    std::fprintf(stderr, "unknown --only %s\n", what.c_str());
    return 2;
}

} // namespace

int main(int argc, char** argv)
{
    std::string stackDir = std::string(FUSELAB_SHARED_DATA_DIR) + "/brackets/meflut-1";
    std::string only, output;
    int runs = 5, width = 12000, height = 9000;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        if (a == "--stack" && i + 1 < argc) stackDir = argv[++i];
        else if (a == "--runs" && i + 1 < argc) runs = std::max(1, std::atoi(argv[++i]));
        else if (a == "--only" && i + 1 < argc) only = argv[++i];
        else if (a == "-o" && i + 1 < argc) output = argv[++i];
        else if (a == "--size" && i + 1 < argc && std::sscanf(argv[i + 1], "%dx%d", &width, &height) == 2) ++i;
        else {
            std::fprintf(stderr, "usage: fuselab-bench-fusion [--stack DIR] [--runs N] [--only decode|opencv -o OUT] [--only upscale --size WxH -o DIR]\n");
            return 2;
        }
    }
    const bool haveStack = std::filesystem::is_directory(stackDir);
    if (!only.empty()) {
        if (!haveStack) {
            std::fprintf(stderr, "fuselab-bench-fusion: %s is absent\n", stackDir.c_str());
            return 1;
        }
        return runOnly(only, stackFiles(stackDir), output, width, height);
    }

    setWorkerThreads(0);
    cv::setNumThreads(workerThreads());
    ExposureStack stack;
    std::string source;
    if (haveStack) {
        stack = loadStack({stackDir}, {}).stack;
        source = stackDir;
    } else {
        stack = syntheticStack();
        source = "synthetic interior scene (../shared/data absent)";
    }
    const std::vector<cv::Mat> cvStack = toOpenCv(stack);
    std::printf("fusion benchmark: %zu frames of %dx%d, %d threads, %d paired runs\n  stack: %s\n", stack.size(), stack.width(),
                stack.height(), workerThreads(), runs, source.c_str());

    std::vector<double> ours, theirs;
    for (int r = 0; r < runs; ++r) {
        NullProgress progress;
        FusionOptions options;
        options.outputType = FusedSampleType::U8;
        auto t0 = Clock::now();
        const FusionResult fused = fuseMertens(stack, MertensParams{}, options, progress);
        auto t1 = Clock::now();
        cv::Mat result;
        cv::createMergeMertens(1.0f, 1.0f, 1.0f)->process(cvStack, result);
        auto t2 = Clock::now();
        ours.push_back(seconds(t0, t1));
        theirs.push_back(seconds(t1, t2));
    }
    const double mOurs = median(ours), mTheirs = median(theirs);
    std::printf("\n  %-34s %10s %10s\n", "in-process fusion (decode excluded)", "median s", "ratio");
    std::printf("  %-34s %10.3f %10s\n", "FuseLab fuseMertens (8-bit out)", mOurs, "1.00");
    std::printf("  %-34s %10.3f %9.2fx\n", "OpenCV 4.6 MergeMertens(1,1,1)", mTheirs, mTheirs / mOurs);

    // Proxy preview: built once per stack, then every parameter change refuses it.
    auto p0 = Clock::now();
    const ExposureStack proxy = makeProxyStack(stack, 1024);
    auto p1 = Clock::now();
    std::vector<double> refuse;
    for (int r = 0; r < 15; ++r) {
        NullProgress progress;
        MertensParams p;
        p.sigma = 0.15 + 0.01 * r; // a slider moving
        auto a = Clock::now();
        fuseMertens(proxy, p, FusionOptions{}, progress);
        refuse.push_back(seconds(a, Clock::now()));
    }
    std::printf("\n  proxy %dx%d built once in %.3f s; refusion median %.1f ms (target < 50 ms: %s)\n", proxy.width(), proxy.height(),
                seconds(p0, p1), median(refuse) * 1e3, median(refuse) < 0.05 ? "met" : "NOT met");
    return 0;
}
