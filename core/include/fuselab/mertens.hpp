// Exposure fusion (Mertens, Kautz & Van Reeth 2007), SPEC §1.
//
// Per frame k and pixel: W_k = (C+f)^wc · (S+f)^ws · E^we + 1e-12 (f: qualityFloor, 0 by default), where C = |3×3 Laplacian| of the
// grey image (Rec. 601 weights, as OpenCV), S = sqrt(Σ_c (c − mean)²) (√3 × the standard deviation of R, G, B,
// OpenCV's scale and rounding, which matter only against the 1e-12 epsilon), and
// E = Π_c exp(−(v_c − optimum)² / (2σ²)) on values in [0,1]. Weights are normalised across
// frames per pixel BEFORE the pyramids; the result is Σ_k collapse(L{I_k} · G{Ŵ_k}).
//
// Memory (the point of this engine): inputs stay in their own sample type, normalised
// level-0 weights are kept as 16-bit fixed point, and only level 1 and coarser are held in
// float for all frames; the full-resolution level is produced row by row straight into the
// requested output type. For 4 × 12 MP 8-bit frames and an 8-bit result that is about
// 144 MB of inputs + 96 MB of weights + 150 MB of level-1 data + 36 MB of output, where
// OpenCV's MergeMertens holds every frame's full float pyramid.
#pragma once

#include "fuselab/deghost.hpp"
#include "fuselab/base/exposure.hpp"
#include "fuselab/base/image.hpp"
#include "fuselab/base/progress.hpp"

#include <vector>

namespace fuselab {

struct MertensParams {
    double contrastExponent = 1.0;    ///< wc ≥ 0 (paper: 1; OpenCV: 1; enfuse: 0)
    double saturationExponent = 1.0;  ///< ws ≥ 0 (paper: 1; OpenCV: 1; enfuse: 0.2)
    double exposednessExponent = 1.0; ///< we ≥ 0 (paper: 1; OpenCV: 0 in practice; enfuse: 1)
    double sigma = 0.2;               ///< σ of the well-exposedness Gaussian, in [0,1] value units
    double optimum = 0.5;             ///< value of the best exposure, in [0,1]
    int levels = 0;                   ///< pyramid levels; 0 = mertensPyramidLevels (as OpenCV's MergeMertens)
    /// Added to C and S before the exponents; 0 (the default) = the paper's measures, as OpenCV's
    /// MergeMertens. Where a region is exactly flat or neutral in every frame, C (or S) is 0 for
    /// all of them and the paper's weights collapse to the 1e-12 epsilon: the frames are then
    /// averaged (clipped ones included). A floor far below any real contrast (the smallest 8-bit
    /// step gives |Laplacian| ≈ 4.5e-4) lets well-exposedness decide there instead — but on real
    /// photographs it also shifts smooth skies and clipped regions towards the darker frames
    /// (measured: up to 13 levels darker than MergeMertens on an extreme pair), so it is an option.
    double qualityFloor = 0.0;
};

struct FusionOptions {
    FusedSampleType outputType = FusedSampleType::Float; ///< integer types are clipped to [0,1] and rounded
    const MotionMask* motion = nullptr; ///< where mask m > 0, weights move towards the reference frame
    bool keepWeightMaps = false;        ///< return the normalised per-frame weight maps (float, 1 channel)
};

struct FusionResult {
    SampleImage fused;              ///< 1 or 3 channels (alpha is not fused), encoding of the inputs
    std::vector<Image> weightMaps;  ///< only with keepWeightMaps; in stack order
    int levels = 0;                 ///< pyramid levels used
};

/// The pyramid depth MergeMertens uses for a w×h image: floor(log2(min(w, h))) + 1 levels
/// (the coarsest 1–2 px). It equals autoPyramidLevels except where the short side is a power
/// of two, where OpenCV goes one level further, down to 1 px.
int mertensPyramidLevels(int widthPx, int heightPx);

/// Throws fuselab::Error for an invalid stack or parameters, fuselab::Cancelled when asked.
FusionResult fuseMertens(const ExposureStack& stack, const MertensParams& params, const FusionOptions& options,
                         ProgressSink& progress);

/// A copy of the stack whose long side is at most longSidePx (area-averaged), in the frames'
/// own sample types, for previews that must refuse in milliseconds. Frames already small
/// enough are shared, not copied.
ExposureStack makeProxyStack(const ExposureStack& stack, int longSidePx = 1024);

} // namespace fuselab
