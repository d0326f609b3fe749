// Deghosting on generated moving-object stacks with a known ghost-free truth (issue 16): the
// table of ghost energy (ratio to plain Mertens's; target ≤ 0.35), static rest against the
// ghost-free fusion (target ≥ 30 dB), and the merge's ghost ratio and ln-radiance errors (the
// static merge test's bound, median 0.05), one row per case. See ghost_scores.hpp.
#include "ghost_scores.hpp"
#include "test_support.hpp"

#include "fuselab/builtin_operators.hpp"

#include <chrono>
#include <cstdio>

using namespace fuselab;
using namespace fuselab::test;

TEST(DeghostBenchmark, MovingObjectStacksAgainstTheirGhostFreeTruth)
{
    OperatorRegistry registry;
    registerBuiltinOperators(registry);
    std::printf("%-26s %8s %10s %10s %8s %9s %9s %7s %6s\n", "case", "ghost", "static dB", "plain dB", "merge", "ln obj", "ln all",
                "moving", "s");
    for (const GhostCase& c : ghostCases()) {
        const auto t0 = std::chrono::steady_clock::now();
        const GhostScore s = scoreDeghosting(c, registry);
        const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        std::printf("%-26s %8.3f %10.2f %10.2f %8.3f %9.4f %9.4f %6.1f%% %6.2f\n", c.name.c_str(), s.fusionGhostRatio, s.fusionStaticRestDb,
                    s.plainStaticRestDb, s.mergeGhostRatio, s.mergeObjectLnError, s.mergeWholeLnError, 100.0 * s.movingFraction, seconds);
        EXPECT_LE(s.fusionGhostRatio, 0.35) << c.name;
        EXPECT_GE(s.fusionStaticRestDb, 30.0) << c.name;
        EXPECT_LE(s.mergeGhostRatio, 0.35) << c.name;
        EXPECT_LT(s.mergeObjectLnError, 0.05) << c.name;
        EXPECT_LT(s.mergeWholeLnError, 0.05) << c.name;
    }
    std::printf("targets: ghost ≤ 0.35 of plain Mertens's, static rest ≥ 30 dB; merge ghost ≤ 0.35, median |ln error| < 0.05\n");
}
