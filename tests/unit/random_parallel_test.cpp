#include "fuselab/base/error.hpp"
#include "fuselab/base/parallel.hpp"
#include "fuselab/base/random.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <cmath>
#include <vector>

using namespace fuselab;

TEST(Random, IsDeterministicPerSeed)
{
    Random a(42), b(42), c(43);
    for (int i = 0; i < 100; ++i) {
        const auto x = a.nextU64();
        EXPECT_EQ(x, b.nextU64());
        (void)c;
    }
    EXPECT_NE(Random(42).nextU64(), Random(43).nextU64());
}

TEST(Random, MomentsMatchTheDistributions)
{
    Random r(7);
    const int n = 200000;
    double su = 0, sn = 0, sn2 = 0, sp = 0, sp2 = 0, spBig = 0, spBig2 = 0;
    for (int i = 0; i < n; ++i) {
        su += r.uniform();
        const double g = r.normal();
        sn += g;
        sn2 += g * g;
        const double p = r.poisson(4.0);
        sp += p;
        sp2 += p * p;
        const double q = r.poisson(400.0);
        spBig += q;
        spBig2 += q * q;
    }
    EXPECT_NEAR(su / n, 0.5, 0.005);
    EXPECT_NEAR(sn / n, 0.0, 0.01);
    EXPECT_NEAR(sn2 / n, 1.0, 0.02);
    EXPECT_NEAR(sp / n, 4.0, 0.03);
    EXPECT_NEAR(sp2 / n - (sp / n) * (sp / n), 4.0, 0.1);
    EXPECT_NEAR(spBig / n, 400.0, 0.3);
    EXPECT_NEAR(spBig2 / n - (spBig / n) * (spBig / n), 400.0, 8.0);
}

TEST(Parallel, CoversEveryIndexOnceAndPropagatesExceptions)
{
    setWorkerThreads(4);
    std::vector<std::atomic<int>> hits(1000);
    parallelFor(0, 1000, 7, [&](int b, int e) {
        for (int i = b; i < e; ++i) hits[std::size_t(i)]++;
    });
    for (const auto& h : hits) EXPECT_EQ(h.load(), 1);
    EXPECT_THROW(parallelFor(0, 100, 1, [](int b, int) {
                     if (b >= 50) throw Error("boom");
                 }),
                 Error);
    // Nested calls run serially instead of deadlocking.
    std::atomic<int> total{0};
    parallelFor(0, 8, 1, [&](int b, int e) {
        for (int i = b; i < e; ++i) parallelFor(0, 10, 1, [&](int bb, int ee) { total += ee - bb; });
    });
    EXPECT_EQ(total.load(), 80);
    setWorkerThreads(0);
}
