// Motion detection for deghosting: where a frame disagrees with the reference exposure
// (after exposure normalisation), moving content must come from the reference only.
//
// SPEC §1b. The reference defaults to the middle exposure (median stops); exposure
// normalisation uses each frame's joint histogram with the reference (an intensity mapping
// function: the central band of co-occurring levels), never an assumed gamma. Pixels
// clipped or black in the reference are judged from the nearest well-exposed frame.
#pragma once

#include "fuselab/base/exposure.hpp"
#include "fuselab/base/image.hpp"
#include "fuselab/base/progress.hpp"

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

/// Where one frame disagrees with the reference: a [0,1] mask (cleaned, grown, feathered) at
/// stack resolution over the bounding box of its motion only — it is 0 everywhere else, and a
/// frame where nothing moved holds an empty mask (no memory, no work).
struct FrameMotion {
    Image mask;      ///< 1 channel, the box's size; empty = nothing moved
    int x0 = 0, y0 = 0; ///< the box's top-left corner in stack pixels

    bool empty() const { return mask.empty(); }
    float at(int x, int y) const
    {
        const int u = x - x0, v = y - y0;
        return mask.empty() || u < 0 || v < 0 || u >= mask.width() || v >= mask.height() ? 0.0f : mask.at(u, v);
    }
};

struct MotionMask {
    Image mask;                  ///< 1 channel, stack resolution, [0,1]: the largest of frameMasks (for overlays)
    int referenceIndex = -1;     ///< index into the stack's frames
    double movingFraction = 0.0; ///< share of pixels with mask > 0.5
    /// Per frame (stack order): where it disagrees with the reference; empty for the reference.
    std::vector<FrameMotion> frameMasks;
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

// ---------------------------------------------------------------------------------------
// Deghosting by consistent exposures (SPEC §1b; after Grosch 2006, "Fast and robust high
// dynamic range image generation with camera and object movement", and the reference-
// consistent images of Sen et al. 2012 / Hu et al. 2013): where frame k disagrees with the
// reference, its pixels are replaced by the reference's, mapped through the intensity mapping
// function from the reference to frame k (per channel, from their joint histogram). The
// stack then shows the scene as it was at the reference's moment, in every exposure, and is
// fused or merged as usual: moving objects appear once, with the fused tone, and everything
// that did not move is left exactly as it was. Where the reference is clipped (or black) the
// content comes instead from the nearest darker (brighter) frame that is well exposed there
// and did not move.

struct DeghostOutcome {
    /// The consistent stack. Frames that needed no change share their pixels with the input;
    /// when nothing moved and nothing was painted it is the input stack itself.
    ExposureStack stack;
    MotionMask motion;                      ///< the automatic detection (overlay, moving fraction)
    /// Per frame: pixels of the output whose moving content was taken from that frame (the
    /// reference for automatic decisions, the painted frame elsewhere), counted where a
    /// replacement weight exceeds 0.5.
    std::vector<long long> pixelsFromFrame;
    bool changed = false;                   ///< any frame was altered
};

/// Builds the consistent stack from a detection and, optionally, painted decisions that win
/// over it: `painted` holds one 8-bit channel at stack resolution where code k (1…N) takes the
/// pixel from frame k of the stack (1 = its first frame: stack order, darkest first when
/// exposures are known) and 0 leaves it to the detection. Throws fuselab::Error when the
/// painted codes do not fit the stack (size, a code beyond its frames), fuselab::Cancelled.
DeghostOutcome makeConsistentStack(const ExposureStack& stack, const MotionMask& motion, const Image8* painted,
                                   const DeghostParams& params, ProgressSink& progress);

} // namespace fuselab
