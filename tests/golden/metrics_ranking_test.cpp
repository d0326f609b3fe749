// MEF-SSIM ranks fusions the way a photographer would: our Mertens fusion above the plain
// mean of the stack and above its darkest frame, on a synthetic stack and on a real one.
#include "test_support.hpp"

#include "fuselab/mertens.hpp"
#include "fuselab/metrics.hpp"
#include "fuselab/stack_io.hpp"
#include "fuselab/base/synthetic.hpp"

#include <algorithm>
#include <cstdio>

using namespace fuselab;
using namespace fuselab::test;

namespace {

struct Ranking {
    double mertens = 0.0, mean = 0.0, darkest = 0.0;
};

// The per-sample mean of the frames (normalised), as an sRGB-coded image like the frames.
Image meanOfStack(const ExposureStack& stack)
{
    Image sum = stack.frames.front().pixels.toFloat().clone();
    for (std::size_t k = 1; k < stack.size(); ++k) {
        const Image f = stack.frames[k].pixels.toFloat();
        for (int y = 0; y < sum.height(); ++y)
            for (int x = 0; x < sum.width() * sum.channels(); ++x) sum.row(y)[x] += f.row(y)[x];
    }
    for (int y = 0; y < sum.height(); ++y)
        for (int x = 0; x < sum.width() * sum.channels(); ++x) sum.row(y)[x] /= float(stack.size());
    return sum;
}

Ranking rank(const ExposureStack& stack, const char* what)
{
    NullProgress p;
    FusionOptions options;
    options.outputType = FusedSampleType::U8;
    const Image mertens = fuseMertens(stack, MertensParams{}, options, p).fused.toFloat();
    const auto darkest = std::min_element(stack.frames.begin(), stack.frames.end(), [](const StackFrame& a, const StackFrame& b) {
        return meanLinearLuminance(a.pixels) < meanLinearLuminance(b.pixels);
    });
    Ranking r;
    r.mertens = mefSsim(mertens, stack, {}, p).score;
    r.mean = mefSsim(meanOfStack(stack), stack, {}, p).score;
    r.darkest = mefSsim(darkest->pixels.toFloat(), stack, {}, p).score;
    std::printf("%s: MEF-SSIM Mertens %.4f, mean of the stack %.4f, darkest frame %.4f\n", what, r.mertens, r.mean, r.darkest);
    return r;
}

} // namespace

TEST(MetricsRanking, MefSsimPrefersMertensOnASyntheticStack)
{
    const Image radiance = makeSyntheticScene({"interior", 320, 240, 4});
    ExposureSimulation sim;
    sim.stops = {-4.0, -2.0, 0.0, 2.0};
    sim.exposureScale = autoExposureScale(radiance);
    ExposureStack stack;
    for (const SimulatedFrame& f : exposeScene(radiance, sim)) {
        StackFrame frame;
        frame.path = "synthetic";
        frame.pixels = f.pixels;
        frame.exposure.stops = f.stops;
        stack.frames.push_back(frame);
    }
    const Ranking r = rank(stack, "synthetic interior 320x240, EV -4…+2");
    EXPECT_GT(r.mertens, r.mean + 0.01);
    EXPECT_GT(r.mertens, r.darkest + 0.05);
    EXPECT_LT(r.mertens, 1.0);
}

TEST(MetricsRanking, MefSsimPrefersMertensOnMeflut1)
{
    FUSELAB_REQUIRE_SHARED("brackets/meflut-1/0.jpg");
    StackLoadOptions o;
    o.evs = {2, 0, -2, -4};
    const ExposureStack proxy = makeProxyStack(loadStack({sharedFile("brackets/meflut-1")}, o).stack, 512);
    const Ranking r = rank(proxy, "meflut-1 proxy 512x384");
    EXPECT_GT(r.mertens, r.mean + 0.01);
    EXPECT_GT(r.mertens, r.darkest + 0.05);
}
