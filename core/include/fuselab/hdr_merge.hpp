// Camera response recovery and radiance merge (SPEC §2).
//
// Debevec & Malik 1997 and Robertson et al. 2003 recover a per-channel response from a
// stack with known exposure times; mergeRadiance turns a stack plus a response into linear
// float radiance, with weights that are zero at both ends of the code range so clipped and
// black pixels never leak into the result. Pixels clipped (or black) in every frame are
// handled explicitly: they come out at least as bright (dark) as the brightest (darkest)
// value the stack can represent, never as NaN, holes or halos.
#pragma once

#include "fuselab/deghost.hpp"
#include "fuselab/exposure.hpp"
#include "fuselab/image.hpp"
#include "fuselab/progress.hpp"
#include "fuselab/response.hpp"

namespace fuselab {

enum class MergeWeighting { Hat, Gaussian, Plateau };
std::string_view toString(MergeWeighting weighting);
MergeWeighting mergeWeightingFromString(const std::string& name);

/// Weight of normalised code value v in [0,1]; 0 at v = 0 and v = 1, peak 1 in the middle.
double mergeWeight(MergeWeighting weighting, double v);

struct DebevecParams {
    int samples = 70;       ///< sample pixels, on a regular grid (OpenCV's default)
    double lambda = 10.0;   ///< smoothness weight λ
    int levels = 256;       ///< code levels: 256 for 8-bit data; 16-bit/float data is binned to this
    MergeWeighting weighting = MergeWeighting::Hat;
};

struct RobertsonParams {
    int maxIterations = 30;
    double threshold = 0.01; ///< stop when the mean change of the curve falls below this
    int levels = 256;
    int maxSamplePixels = 200000; ///< pixels used per iteration (a regular subsample)
};

/// Recovered curves are returned as table responses (one per channel) normalised so that the
/// middle code maps to exposure 1. Throws fuselab::Error naming the first frame without
/// exposure data, and fuselab::Cancelled.
CameraResponse recoverResponseDebevec(const ExposureStack& stack, const DebevecParams& params, ProgressSink& progress);
CameraResponse recoverResponseRobertson(const ExposureStack& stack, const RobertsonParams& params, ProgressSink& progress);

struct MergeParams {
    MergeWeighting weighting = MergeWeighting::Hat;
    const MotionMask* motion = nullptr; ///< optional: masked pixels come from the reference only
};

/// ln E = Σ_j w(Z_j)(ln f⁻¹(Z_j) − ln Δt_j) / Σ_j w(Z_j) per channel, Δt relative (2^stops).
/// Output: linear float radiance, 3 (or 1) channels, stack resolution, finite everywhere.
Image mergeRadiance(const ExposureStack& stack, const CameraResponse& response, const MergeParams& params,
                    ProgressSink& progress);

} // namespace fuselab
