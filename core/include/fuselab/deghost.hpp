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

#include <vector>

namespace fuselab {

struct DeghostParams {
    int referenceIndex = -1;      ///< stack index of the reference; −1 = median exposure
    /// Levels (of 255) beyond the mapped band that count as motion. Held in both frames'
    /// levels: where one reference level spreads over several of the frame's (a steep
    /// mapping) it widens by that slope. Also the widest gap inside a dominant cluster.
    double toleranceLevels = 12.0;
    double bandLow = 0.1;          ///< lower quantile of the co-occurrence band (IMF), 0..0.5
    double bandHigh = 0.9;         ///< upper quantile, 0.5..1
    /// Radius of the cleaning opening, full-resolution pixels; on a reduced proxy at least one
    /// proxy pixel (0 = no opening), since a lone proxy pixel is the smallest speck there.
    int openingPx = 3;
    int dilationPx = 24;           ///< radius the mask grows by, full-resolution pixels
    int featherPx = 12;            ///< Gaussian feather of the mask edge (σ, full-resolution pixels)
    int analysisLongSidePx = 1024; ///< detection runs on a proxy of this long side (0 = full size)
    int clippedLevel = 250;        ///< reference level ≥ this is clipped: judged from a darker frame
    int blackLevel = 5;            ///< reference level ≤ this is black: judged from a brighter frame
    /// Compare R, G and B separately, each through its own joint histogram. Grey alone mixes
    /// channels that clip or darken at different exposures: a saturated red patch has the
    /// grey of a neutral one in the reference but not in a +4 stop frame.
    bool perChannel = true;
    /// perChannel: a pixel moves when at least this many channels (1–3) leave their bands.
    /// 2 ignores what one channel alone does (one channel clipping first, a camera's colour
    /// processing), which a moving object rarely confines itself to.
    int minMovingChannels = 2;
    /// Take the band's quantiles within the dominant cluster of co-occurring levels (the
    /// levels joined to the most frequent one by gaps no wider than toleranceLevels), so an
    /// object holding many of a level's pixels cannot widen the band over itself.
    bool dominantCluster = true;
};

struct MotionMask {
    Image mask;                  ///< 1 channel, stack resolution, [0,1]; 1 = take the reference only
    int referenceIndex = -1;     ///< index into the stack's frames
    double movingFraction = 0.0; ///< share of pixels with mask > 0.5
};

/// Index of the frame with the median exposure (stops); when any frame lacks exposure data
/// all are ranked by mean linear luminance instead. Lower middle (the darker of the two
/// central frames) for an even count. Throws fuselab::Error for an empty stack.
int defaultReferenceIndex(const ExposureStack& stack);

/// Frame indices from darkest to brightest (by stops, or by mean luminance as above);
/// equal keys keep stack order.
std::vector<int> framesDarkestFirst(const ExposureStack& stack);

/// Detects motion against the reference in an aligned stack (any sample type; integer
/// frames are compared by their codes, linear float frames after sRGB encoding). Throws
/// fuselab::Error for stacks that cannot be compared (fewer than 2 frames, mismatched
/// sizes, parameters out of range) and fuselab::Cancelled.
MotionMask detectMotion(const ExposureStack& stack, const DeghostParams& params, ProgressSink& progress);

} // namespace fuselab
