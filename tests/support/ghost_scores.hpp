// Deghosting measured against a known ghost-free truth (issue 16): an opaque textured object
// crosses the synthetic interior (synthetic.hpp exposeMovingObject); the ghost-free twin stack
// has the object where it stands in the reference frame, with the same camera and noise.
//
// - ghost energy: mean |result − ghost-free fusion| over the pixels where the object stands in
//   a non-reference frame; reported as the ratio to plain Mertens's (deghosting off);
// - static rest: PSNR (peak 1, display values clipped to [0,1]) against the ghost-free fusion
//   over the pixels the object never covers;
// - merge: the same ghost ratio on ln radiance (known sRGB response), and the median |ln error|
//   against the true ghost-free radiance after removing the global scale (the static merge
//   test's measure, bound 0.05), over the object's pixels and over the whole image.
#pragma once

#include "fuselab/base/operator.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace fuselab::test {

struct GhostCase {
    std::string name;
    double radiusFraction = 0.08; ///< of the short side
    double stepPx = 48.0;         ///< displacement per frame
    std::vector<double> stops;
    std::uint64_t seed = 1;
    int widthPx = 480, heightPx = 320;
};

struct GhostScore {
    double fusionGhostRatio = 0.0;     ///< ours / plain Mertens's ghost energy
    double fusionStaticRestDb = 0.0;   ///< ours against the ghost-free fusion, static pixels
    double plainStaticRestDb = 0.0;    ///< plain Mertens the same way (for the table)
    double mergeGhostRatio = 0.0;      ///< ln radiance, ours / plain merge's
    double mergeObjectLnError = 0.0;   ///< median |ln error| over the object's pixels
    double mergeWholeLnError = 0.0;    ///< median |ln error| over every pixel
    double movingFraction = 0.0;       ///< the detection's share of moving pixels
};

/// The cases the benchmark prints: several sizes, speeds, spacings (1–3 stops) and lengths.
std::vector<GhostCase> ghostCases();

GhostScore scoreDeghosting(const GhostCase& c, const OperatorRegistry& registry);

} // namespace fuselab::test
