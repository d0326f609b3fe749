#include "filmic_curves.hpp"

#include <cmath>

namespace filmic {

double acesFit(double x)
{
    constexpr double a = 2.51, b = 0.03, c = 2.43, d = 0.59, e = 0.14;
    return (x * (a * x + b)) / (x * (c * x + d) + e);
}

double acesFitWhite()
{
    // f(x) = 1  ⇔  2.51x² + 0.03x = 2.43x² + 0.59x + 0.14  ⇔  0.08x² − 0.56x − 0.14 = 0.
    constexpr double qa = 2.51 - 2.43, qb = 0.03 - 0.59, qc = -0.14;
    return (-qb + std::sqrt(qb * qb - 4.0 * qa * qc)) / (2.0 * qa);
}

double hableCurve(double x, const HableCoefficients& k)
{
    const double A = k.shoulderStrength, B = k.linearStrength, C = k.linearAngle;
    const double D = k.toeStrength, E = k.toeNumerator, F = k.toeDenominator;
    return (x * (A * x + C * B) + D * E) / (x * (A * x + B) + D * F) - E / F;
}

} // namespace filmic
