// Motion detection for deghosting: where a frame disagrees with the reference exposure
// (after exposure normalisation), moving content must come from the reference only.
//
// SPEC §1b. The reference defaults to the middle exposure (median stops); exposure
// normalisation uses each frame's joint histogram with the reference (an intensity mapping
// function: the central band of co-occurring levels), never an assumed gamma. Pixels
// clipped or black in the reference are judged from the nearest well-exposed frame.
#pragma once

#include "fuselab/exposure.hpp"
#include "fuselab/image.hpp"
#include "fuselab/progress.hpp"

namespace fuselab {

struct DeghostParams {
    int referenceIndex = -1;      ///< stack index of the reference; −1 = median exposure
    double toleranceLevels = 12.0; ///< grey levels (of 255) beyond the mapped band that count as motion
    double bandLow = 0.1;          ///< lower quantile of the co-occurrence band (IMF), 0..0.5
    double bandHigh = 0.9;         ///< upper quantile, 0.5..1
    int openingPx = 3;             ///< radius of the cleaning opening, full-resolution pixels
    int dilationPx = 24;           ///< radius the mask grows by
    int featherPx = 12;            ///< Gaussian feather of the mask edge (σ, px)
    int analysisLongSidePx = 1024; ///< detection runs on a proxy of this long side (0 = full size)
};

struct MotionMask {
    Image mask;                  ///< 1 channel, stack resolution, [0,1]; 1 = take the reference only
    int referenceIndex = -1;     ///< index into the stack's frames
    double movingFraction = 0.0; ///< share of pixels with mask > 0.5
};

/// Index of the frame with the median exposure (stops); frames without exposure data are
/// ranked by mean brightness instead. Lower middle for an even count.
int defaultReferenceIndex(const ExposureStack& stack);

/// Detects motion against the reference. Throws fuselab::Error for stacks that cannot be
/// compared (fewer than 2 frames, mismatched sizes) and fuselab::Cancelled.
MotionMask detectMotion(const ExposureStack& stack, const DeghostParams& params, ProgressSink& progress);

} // namespace fuselab
