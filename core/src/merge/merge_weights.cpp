// Merge weightings (hat, Robertson's Gaussian-like bump, plateau), all exactly zero at both
// ends of the code range so black and clipped samples carry no weight.
#include "fuselab/base/error.hpp"
#include "fuselab/hdr_merge.hpp"

#include <cmath>

namespace fuselab {

std::string_view toString(MergeWeighting weighting)
{
    switch (weighting) {
    case MergeWeighting::Hat: return "hat";
    case MergeWeighting::Gaussian: return "gaussian";
    case MergeWeighting::Plateau: return "plateau";
    }
    return "hat";
}

MergeWeighting mergeWeightingFromString(const std::string& name)
{
    for (MergeWeighting w : {MergeWeighting::Hat, MergeWeighting::Gaussian, MergeWeighting::Plateau})
        if (name == toString(w)) return w;
    throw Error("unknown merge weighting '" + name + "' (expected hat, gaussian or plateau)");
}

double mergeWeight(MergeWeighting weighting, double v)
{
    // The ends are excluded explicitly: floating-point evaluation of the Gaussian form leaves
    // ±1e-17 at v = 0 and 1, and a clipped sample must carry exactly nothing.
    if (!(v > 0.0 && v < 1.0)) return 0.0;
    switch (weighting) {
    case MergeWeighting::Hat:
        // Debevec & Malik's min(z, L−1−z), divided by its peak (L−1)/2.
        return 1.0 - std::fabs(2.0 * v - 1.0);
    case MergeWeighting::Gaussian: {
        // Robertson et al. 2003: i/63.75 − 2 for 256 levels is 4v − 2 for any level count.
        const double e4 = std::exp(4.0);
        const double t = 4.0 * v - 2.0;
        return std::max(0.0, e4 / (e4 - 1.0) * std::exp(-t * t) + 1.0 / (1.0 - e4));
    }
    case MergeWeighting::Plateau: {
        const double t = 2.0 * v - 1.0;
        const double t2 = t * t, t4 = t2 * t2;
        return std::max(0.0, 1.0 - t4 * t4 * t4);
    }
    }
    return 0.0;
}

} // namespace fuselab
