// Deterministic random numbers, identical on every platform and compiler (unlike the
// distributions of <random>), so a seed reproduces a synthetic scene or noise draw exactly.
#pragma once

#include <cstdint>

namespace fuselab {

/// xoshiro256** seeded through SplitMix64.
class Random {
public:
    explicit Random(std::uint64_t seed);
    std::uint64_t nextU64();
    /// Uniform in [0, 1).
    double uniform();
    /// Uniform in [lo, hi).
    double uniform(double lo, double hi) { return lo + (hi - lo) * uniform(); }
    /// Standard normal (Box–Muller, both values used).
    double normal();
    /// Poisson(λ): exact (Knuth) for λ < 30, normal approximation with continuity above.
    double poisson(double lambda);

private:
    std::uint64_t m_s[4];
    bool m_hasSpare = false;
    double m_spare = 0.0;
};

} // namespace fuselab
