// MS-SSIM's per-scale exponents (Wang, Simoncelli & Bovik 2003), declared once for the metric of
// record (metrics.hpp), the training loss and the learned-fusion evaluation (core/learn, which
// sees only fuselab_base).
#pragma once

#include <vector>

namespace fuselab {

/// Finest first; MEF-SSIM's multi-scale score uses the first three, normalised (mef_ms_ssim.m).
inline const std::vector<double>& msSsimLevelWeights()
{
    static const std::vector<double> weights{0.0448, 0.2856, 0.3001, 0.2363, 0.1333};
    return weights;
}

/// The levels of MEF-SSIM's multi-scale score (mef_ms_ssim.m).
inline constexpr int kMefSsimLevels = 3;

} // namespace fuselab
