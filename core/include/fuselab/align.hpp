// Aligning the frames of a hand-held stack to a reference frame.
//
// Median-threshold-bitmap translation (Ward 2003) for tripod-ish stacks, and a homography
// (feature- or ECC-based) for hand-held stacks with rotation. Both report the estimated
// transform per frame. Pixels a warped frame does not cover are cropped away (the common
// valid rectangle) or marked (edge-replicated, with a validity mask).
#pragma once

#include "fuselab/exposure.hpp"
#include "fuselab/image.hpp"
#include "fuselab/progress.hpp"

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
    int analysisLongSidePx = 1536; ///< homography estimated on a proxy of this long side
    InvalidBorder border = InvalidBorder::Crop;
};

/// Maps reference pixel coordinates (x, y, 1) to the frame's coordinates (row-major 3×3).
struct FrameTransform {
    std::array<double, 9> homography{1, 0, 0, 0, 1, 0, 0, 0, 1};
    double dxPx = 0.0; ///< translation part (for MTB the whole transform)
    double dyPx = 0.0;
    double rotationDeg = 0.0; ///< rotation implied by the homography's upper-left 2×2
};

struct AlignmentResult {
    ExposureStack aligned;                 ///< frames resampled into the reference's geometry
    std::vector<FrameTransform> transforms; ///< one per frame; identity for the reference
    int referenceIndex = -1;
    PixelRect validRect;                   ///< region every frame covers (reference coordinates)
    Image validMask;                       ///< Mark only: 1 where every frame covers the pixel
};

/// Aligns the stack; AlignMethod::None returns it unchanged with identity transforms.
/// Throws fuselab::Error (with the offending file) when a frame cannot be registered.
AlignmentResult alignStack(const ExposureStack& stack, const AlignParams& params, ProgressSink& progress);

} // namespace fuselab
