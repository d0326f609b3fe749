// The `mertens` operator, with its defaults, against OpenCV's MergeMertens(1,1,1) on every
// real photographed bracket in ../shared/data/real/brackets: each stack whole and as its
// extreme pair (first and last frame). Skips where the data is absent.
//
// Bounds (issue 16): ≥ 35 dB and |mean shift| ≤ 4 levels (of 255) against the reference, and
// a multi-scale and single-scale MEF-SSIM not below the reference's by more than 0.0005.
#include "opencv_reference.hpp"
#include "test_support.hpp"

#include "fuselab/builtin_operators.hpp"
#include "fuselab/io.hpp"
#include "fuselab/metrics.hpp"
#include "fuselab/base/operator.hpp"
#include "fuselab/stack_io.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>

using namespace fuselab;
using namespace fuselab::test;

namespace {

// What an 8-bit file of the result holds: clipped to [0,1], rounded to 255 codes.
Image asWritten8(const Image& img)
{
    Image out(img.width(), img.height(), img.channels(), ColourEncoding::Srgb);
    for (int y = 0; y < img.height(); ++y)
        for (int i = 0; i < img.width() * img.channels(); ++i)
            out.row(y)[i] = std::round(std::clamp(img.row(y)[i], 0.0f, 1.0f) * 255.0f) / 255.0f;
    return out;
}

struct Comparison {
    double psnrDb = 0.0, meanShiftLevels = 0.0;
    MefSsimResult ours, reference;
};

Comparison compareWithMergeMertens(const ExposureStack& stack, const OperatorRegistry& registry, const ParamValues& values,
                                   const std::string& lookName)
{
    NullProgress progress;
    OperatorInput input;
    input.stack = &stack;
    const Image ours = asWritten8(runOperator(registry.get("mertens"), input, values, progress).image);
    const Image theirs = asWritten8(mergeMertensReference(stack));

    Comparison c;
    double sum = 0.0, sq = 0.0;
    const std::size_t n = std::size_t(ours.width()) * ours.height() * 3;
    for (int y = 0; y < ours.height(); ++y)
        for (int i = 0; i < ours.width() * 3; ++i) {
            const double d = double(ours.row(y)[i]) - double(theirs.row(y)[i]);
            sum += d;
            sq += d * d;
        }
    c.meanShiftLevels = 255.0 * sum / double(n);
    c.psnrDb = sq > 0.0 ? 10.0 * std::log10(double(n) / sq) : 99.0;
    if (const char* look = std::getenv("FUSELAB_LOOK_DIR")) { // for a person to look at the two results
        writeImage(std::string(look) + "/" + lookName + "-fuselab.png", ours);
        writeImage(std::string(look) + "/" + lookName + "-opencv.png", theirs);
    }
    c.ours = mefSsim(ours, stack, MefSsimParams{}, progress);
    c.reference = mefSsim(theirs, stack, MefSsimParams{}, progress);
    return c;
}

} // namespace

TEST(RealStacks, MertensMatchesOpenCvMergeMertensOnEveryPhotographedBracket)
{
    FUSELAB_REQUIRE_SHARED("real/brackets");
    std::vector<std::filesystem::path> scenes;
    for (const auto& e : std::filesystem::directory_iterator(sharedFile("real/brackets")))
        if (e.is_directory()) scenes.push_back(e.path());
    std::sort(scenes.begin(), scenes.end());
    ASSERT_GE(scenes.size(), 32u) << "real/README.md lists 32 brackets";

    OperatorRegistry registry;
    registerBuiltinOperators(registry);
    // The reference has no deghosting; ours is judged the same way (its defaults otherwise).
    ParamValues withoutDeghosting;
    withoutDeghosting.set("deghost", false);
    int compared = 0;
    double worstPsnr = 1e9, worstShift = 0.0, worstMefGap = -1.0;
    for (const auto& scene : scenes) {
        const LoadedStack whole = loadStack({scene.string()}, StackLoadOptions{});
        ExposureStack pair;
        pair.frames = {whole.stack.frames.front(), whole.stack.frames.back()};
        for (const auto& [variant, stack] : {std::pair<const char*, const ExposureStack*>{"whole", &whole.stack}, {"pair", &pair}}) {
            const std::string name = scene.filename().string() + " " + variant;
            const Comparison c = compareWithMergeMertens(*stack, registry, withoutDeghosting, scene.filename().string() + "-" + variant);
            std::printf("%-40s %6.2f dB  shift %+6.2f  MEF-SSIM %.4f / %.4f (OpenCV)  single %.4f / %.4f\n", name.c_str(), c.psnrDb,
                        c.meanShiftLevels, c.ours.score, c.reference.score, c.ours.singleScale, c.reference.singleScale);
            EXPECT_GE(c.psnrDb, 35.0) << name;
            EXPECT_LE(std::fabs(c.meanShiftLevels), 4.0) << name;
            EXPECT_GE(c.ours.score, c.reference.score - 0.0005) << name;
            EXPECT_GE(c.ours.singleScale, c.reference.singleScale - 0.0005) << name;
            worstPsnr = std::min(worstPsnr, c.psnrDb);
            worstShift = std::max(worstShift, std::fabs(c.meanShiftLevels));
            worstMefGap = std::max({worstMefGap, c.reference.score - c.ours.score, c.reference.singleScale - c.ours.singleScale});
            ++compared;
        }
    }
    std::printf("%d fusions: worst %.2f dB, worst |shift| %.2f levels, worst MEF-SSIM shortfall %.5f\n", compared, worstPsnr, worstShift,
                worstMefGap);
    EXPECT_EQ(compared, int(2 * scenes.size()));
}
