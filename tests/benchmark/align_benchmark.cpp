// Timings of alignment and motion detection on a real 4000×3000 four-frame stack
// (../shared/data/brackets/meflut-1, EV +2, 0, −2, −4). Label "benchmark": not in the
// default run. FUSELAB_LOOK_DIR=/folder also writes the motion mask and its overlay there.
#include "test_support.hpp"

#include "fuselab/align.hpp"
#include "fuselab/deghost.hpp"
#include "fuselab/io.hpp"
#include "fuselab/base/parallel.hpp"
#include "fuselab/stack_io.hpp"

#include <chrono>
#include <cstdio>
#include <cstdlib>

using namespace fuselab;
using namespace fuselab::test;

namespace {

double secondsSince(std::chrono::steady_clock::time_point start)
{
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

const ExposureStack& meflut1()
{
    static const ExposureStack stack = [] {
        StackLoadOptions options;
        options.evs = {2.0, 0.0, -2.0, -4.0};
        return loadStack({sharedFile("brackets/meflut-1")}, options).stack;
    }();
    return stack;
}

} // namespace

TEST(AlignBenchmark, Meflut1)
{
    FUSELAB_REQUIRE_SHARED("brackets/meflut-1/0.jpg");
    const ExposureStack& stack = meflut1();
    std::printf("stack %dx%d, %zu frames, %d worker threads\n", stack.width(), stack.height(), stack.size(), workerThreads());
    NullProgress progress;
    for (int run = 0; run < 2; ++run) { // the first run also pays for page faults and OpenCV's start-up
        AlignParams mtb;
        auto t0 = std::chrono::steady_clock::now();
        const AlignmentResult a = alignStack(stack, mtb, progress);
        const double mtbS = secondsSince(t0);
        AlignParams hom;
        hom.method = AlignMethod::Homography;
        t0 = std::chrono::steady_clock::now();
        const AlignmentResult h = alignStack(stack, hom, progress);
        const double homS = secondsSince(t0);
        t0 = std::chrono::steady_clock::now();
        const MotionMask m = detectMotion(stack, DeghostParams{}, progress);
        const double motionS = secondsSince(t0);
        std::printf("run %d: MTB %.3f s, homography %.3f s, motion %.3f s (moving fraction %.4f)\n", run, mtbS, homS, motionS,
                    m.movingFraction);
        if (run == 1) {
            for (std::size_t k = 0; k < stack.size(); ++k)
                std::printf("  frame %zu: MTB (%g, %g); homography (%.2f, %.2f) px, %.3f deg\n", k, a.transforms[k].dxPx,
                            a.transforms[k].dyPx, h.transforms[k].dxPx, h.transforms[k].dyPx, h.transforms[k].rotationDeg);
            if (const char* dir = std::getenv("FUSELAB_LOOK_DIR")) {
                writeImage(std::string(dir) + "/meflut1_mask.png", m.mask);
                Image overlay = stack.frames[std::size_t(m.referenceIndex)].pixels.toFloat();
                for (int y = 0; y < overlay.height(); ++y)
                    for (int x = 0; x < overlay.width(); ++x) {
                        const float w = 0.5f * m.mask.at(x, y);
                        for (int c = 0; c < 3; ++c) overlay.at(x, y, c) = (1 - w) * overlay.at(x, y, c) + w * (c == 0);
                    }
                writeImage(std::string(dir) + "/meflut1_overlay.jpg", overlay);
            }
        }
    }
}
