// The scalar tone curves of SPEC §3: μ-law, SMPTE ST 2084 (PQ), BT.2100 HLG.
// Computed in double; each decode is the algebraic inverse of its encode.
#include "fuselab/base/tone_curves.hpp"

#include <algorithm>
#include <cmath>

namespace fuselab {

double muLawEncode(double h, double mu)
{
    if (!(h > 0.0)) return 0.0; // negative and NaN: no light
    return std::log1p(mu * h) / std::log1p(mu);
}

double muLawDecode(double t, double mu)
{
    if (!(t > 0.0)) return 0.0;
    return std::expm1(t * std::log1p(mu)) / mu;
}

double pqEncode(double luminanceCdM2)
{
    const double y = std::isfinite(luminanceCdM2) ? std::clamp(luminanceCdM2 / pq::peakCdM2, 0.0, 1.0)
                                                  : (luminanceCdM2 > 0.0 ? 1.0 : 0.0);
    const double ym1 = std::pow(y, pq::m1);
    return std::pow((pq::c1 + pq::c2 * ym1) / (1.0 + pq::c3 * ym1), pq::m2);
}

double pqDecode(double code)
{
    const double n = std::isfinite(code) ? std::clamp(code, 0.0, 1.0) : (code > 0.0 ? 1.0 : 0.0);
    const double np = std::pow(n, 1.0 / pq::m2);
    // Codes below pqEncode(0) = c1^m2 carry no light.
    const double numerator = std::max(np - pq::c1, 0.0);
    const double denominator = pq::c2 - pq::c3 * np; // ≥ c2 − c3 > 0 for np ≤ 1
    return pq::peakCdM2 * std::pow(numerator / denominator, 1.0 / pq::m1);
}

double hlgOetf(double e)
{
    const double v = std::isfinite(e) ? std::clamp(e, 0.0, 1.0) : (e > 0.0 ? 1.0 : 0.0);
    if (v <= 1.0 / 12.0) return std::sqrt(3.0 * v);
    return hlg::a * std::log(12.0 * v - hlg::b) + hlg::c;
}

double hlgInverseOetf(double ePrime)
{
    const double v = std::isfinite(ePrime) ? std::clamp(ePrime, 0.0, 1.0) : (ePrime > 0.0 ? 1.0 : 0.0);
    if (v <= 0.5) return v * v / 3.0;
    return (std::exp((v - hlg::c) / hlg::a) + hlg::b) / 12.0;
}

} // namespace fuselab
