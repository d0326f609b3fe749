#include "fuselab/base/random.hpp"

#include <cmath>

namespace fuselab {
namespace {
std::uint64_t splitMix64(std::uint64_t& state)
{
    std::uint64_t z = (state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}
std::uint64_t rotl(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
} // namespace

Random::Random(std::uint64_t seed)
{
    std::uint64_t state = seed;
    for (std::uint64_t& s : m_s) s = splitMix64(state);
}

std::uint64_t Random::nextU64()
{
    const std::uint64_t result = rotl(m_s[1] * 5, 7) * 9;
    const std::uint64_t t = m_s[1] << 17;
    m_s[2] ^= m_s[0];
    m_s[3] ^= m_s[1];
    m_s[1] ^= m_s[2];
    m_s[0] ^= m_s[3];
    m_s[2] ^= t;
    m_s[3] = rotl(m_s[3], 45);
    return result;
}

double Random::uniform()
{
    return double(nextU64() >> 11) * 0x1.0p-53;
}

double Random::normal()
{
    if (m_hasSpare) {
        m_hasSpare = false;
        return m_spare;
    }
    double u1 = uniform();
    while (u1 <= 0.0) u1 = uniform();
    const double u2 = uniform();
    const double r = std::sqrt(-2.0 * std::log(u1));
    const double theta = 2.0 * M_PI * u2;
    m_spare = r * std::sin(theta);
    m_hasSpare = true;
    return r * std::cos(theta);
}

double Random::poisson(double lambda)
{
    if (lambda <= 0.0) return 0.0;
    if (lambda < 30.0) {
        const double limit = std::exp(-lambda);
        double product = uniform();
        int k = 0;
        while (product > limit) {
            product *= uniform();
            ++k;
        }
        return k;
    }
    const double v = std::floor(lambda + std::sqrt(lambda) * normal() + 0.5);
    return v < 0.0 ? 0.0 : v;
}

} // namespace fuselab
