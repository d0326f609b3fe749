// Alignment and motion detection on a real tripod stack: ../shared/data/brackets/meflut-1,
// four 4000×3000 JPEGs at EV +2, 0, −2, −4 of a static night scene (skipped when absent).
#include "test_support.hpp"

#include "fuselab/align.hpp"
#include "fuselab/deghost.hpp"
#include "fuselab/stack_io.hpp"

#include <cmath>

using namespace fuselab;
using namespace fuselab::test;

namespace {

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

TEST(AlignRealStack, TripodStackNeedsNoShiftAndShowsLittleMotion)
{
    FUSELAB_REQUIRE_SHARED("brackets/meflut-1/0.jpg");
    const ExposureStack& stack = meflut1();
    ASSERT_EQ(stack.size(), 4u);
    // Sorted darkest first: −4, −2, 0, +2; the reference is the lower middle, −2 stops.
    EXPECT_EQ(defaultReferenceIndex(stack), 1);
    NullProgress progress;
    const AlignmentResult a = alignStack(stack, AlignParams{}, progress);
    for (std::size_t k = 0; k < stack.size(); ++k) {
        EXPECT_LE(std::fabs(a.transforms[k].dxPx), 1.0) << stack.frames[k].path;
        EXPECT_LE(std::fabs(a.transforms[k].dyPx), 1.0) << stack.frames[k].path;
    }
    // Measured: 0.03 % (a lit window or two whose colour the phone renders differently
    // per exposure); the grey-level variant (perChannel = false) gives 0.26 %.
    const MotionMask m = detectMotion(stack, DeghostParams{}, progress);
    std::printf("[ meflut-1 ] moving fraction %.5f\n", m.movingFraction);
    EXPECT_LT(m.movingFraction, 0.005);
    EXPECT_EQ(m.mask.width(), 4000);
    EXPECT_EQ(m.mask.height(), 3000);
}

TEST(AlignRealStack, TripodStackHomographiesStayNearIdentity)
{
    FUSELAB_REQUIRE_SHARED("brackets/meflut-1/0.jpg");
    const ExposureStack& stack = meflut1();
    AlignParams p;
    p.method = AlignMethod::Homography;
    NullProgress progress;
    const AlignmentResult a = alignStack(stack, p, progress);
    for (std::size_t k = 0; k < stack.size(); ++k) {
        const FrameTransform& t = a.transforms[k];
        // Largest displacement of the image corners (a tripod allows at most a pixel or so).
        double worst = 0.0;
        for (double x : {0.0, 3999.0})
            for (double y : {0.0, 2999.0}) {
                const auto& h = t.homography;
                const double w = h[6] * x + h[7] * y + h[8];
                worst = std::max(worst, std::hypot((h[0] * x + h[1] * y + h[2]) / w - x, (h[3] * x + h[4] * y + h[5]) / w - y));
            }
        std::printf("[ meflut-1 ] frame %zu: corners move at most %.3f px, rotation %.4f deg\n", k, worst, t.rotationDeg);
        EXPECT_LE(worst, 1.5) << stack.frames[k].path;
        EXPECT_LE(std::fabs(t.rotationDeg), 0.02) << stack.frames[k].path;
    }
    EXPECT_GE(a.validRect.width, 3990);
    EXPECT_GE(a.validRect.height, 2990);
}
