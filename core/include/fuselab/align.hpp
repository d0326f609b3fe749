// Aligning the frames of a hand-held stack to a reference frame.
//
// Median-threshold-bitmap translation (Ward 2003) for tripod-ish stacks, and a homography
// (feature- or ECC-based) for hand-held stacks with rotation. Both report the estimated
// transform per frame. Pixels a warped frame does not cover are cropped away (the common
// valid rectangle) or marked (edge-replicated, with a validity mask).
#pragma once

#include "fuselab/base/exposure.hpp"
#include "fuselab/base/image.hpp"
#include "fuselab/base/progress.hpp"

#include <array>
#include <string>
#include <vector>

namespace fuselab {

enum class AlignMethod { None, Mtb, Homography };
std::string_view toString(AlignMethod method);
/// "none", "mtb", "homography"; throws fuselab::Error otherwise.
AlignMethod alignMethodFromString(const std::string& name);

enum class InvalidBorder {
    Crop, ///< every frame is cut to the rectangle all frames cover
    Mark, ///< sizes stay; uncovered pixels are edge-replicated and reported in validMask
};

struct AlignParams {
    AlignMethod method = AlignMethod::Mtb;
    int referenceIndex = -1;   ///< −1 = median exposure (defaultReferenceIndex)
    int maxShiftPx = 64;       ///< MTB search range per axis
    int excludeRange = 4;      ///< MTB: grey levels around the median left out of the comparison
    int analysisLongSidePx = 1536; ///< homography estimated on a proxy of this long side (0 = full size)
    bool eccRefine = true;     ///< homography: refine the feature estimate by ECC (sub-pixel)
    int minFeatureInliers = 20; ///< homography: RANSAC inliers needed to trust the feature match
    InvalidBorder border = InvalidBorder::Crop;
};

/// Maps reference pixel coordinates (x, y, 1) to the frame's coordinates (row-major 3×3),
/// pixel centres at integer coordinates, full resolution: the frame's content at
/// H·(x, y, 1) is the reference's at (x, y). A frame whose content moved right by 3 px has
/// dxPx = +3.
struct FrameTransform {
    std::array<double, 9> homography{1, 0, 0, 0, 1, 0, 0, 0, 1};
    double dxPx = 0.0; ///< translation part H[0][2]/H[2][2] (for MTB the whole transform)
    double dyPx = 0.0; ///< translation part H[1][2]/H[2][2]
    /// Rotation of the frame's content against the reference implied by the homography's
    /// upper-left 2×2, atan2(h10 − h01, h00 + h11); + = turned clockwise as seen on screen
    /// (image y points down).
    double rotationDeg = 0.0;
};

struct AlignmentResult {
    /// Frames resampled into the reference's geometry, in the input's order and sample type
    /// (8/16-bit stay integer). Crop: every frame is validRect's size (whole-pixel shifts
    /// share the input's pixels); Mark: full size, uncovered pixels edge-replicated.
    ExposureStack aligned;
    std::vector<FrameTransform> transforms; ///< one per frame; identity for the reference
    int referenceIndex = -1;
    /// The largest axis-aligned rectangle every frame covers, in reference coordinates
    /// (a reference pixel is covered when the transform maps it inside [0, w−1] × [0, h−1]).
    PixelRect validRect;
    Image validMask; ///< Mark only: 1-channel float, 1 where every frame covers the pixel, else 0
};

/// Aligns the stack; AlignMethod::None returns it unchanged with identity transforms.
/// Throws fuselab::Error (with the offending file) when a frame cannot be registered or the
/// frames share no area, and fuselab::Cancelled when progress asks to stop.
AlignmentResult alignStack(const ExposureStack& stack, const AlignParams& params, ProgressSink& progress);

} // namespace fuselab
