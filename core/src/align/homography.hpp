// Private: homography between a frame and the reference, estimated on grey proxies.
//
// 1. A median-threshold-bitmap translation gives an exposure-independent first guess.
// 2. The frame's grey levels are mapped to the reference's through their intensity mapping
//    function (intensity_mapping.hpp), so that descriptors and correlation see one exposure,
//    not two. The frames are not registered yet, so the mapping comes from the two
//    histograms (histogram specification), not from co-located pixel pairs.
// 3. ORB features, matched only near where the bitmap shift predicts them, with a ratio
//    test give a RANSAC homography (cv::findHomography); the better-correlating of it and
//    the bitmap shift starts
// 4. ECC (Evangelidis & Psarakis 2008, cv::findTransformECC, MOTION_HOMOGRAPHY), run on
//    the frame's informative pixels (neither clipped nor black), which refines it to
//    sub-pixel accuracy; it is kept only when it correlates at least as well as its start.

#pragma once

#include <opencv2/core.hpp>

#include <string>

namespace fuselab::align {

struct HomographyOptions {
    int mtbMaxShiftPx = 64;  ///< first-guess search range, proxy pixels
    int excludeRange = 4;    ///< MTB exclusion around the median
    int minInliers = 20;     ///< RANSAC inliers needed to trust the feature homography
    double ransacThresholdPx = 2.5;
    bool eccRefine = true;
    // From a feature start ECC settles within ~10 iterations; stopping when the correlation
    // gains < 1e-4 costs nothing in accuracy (synthetic ±2 stop stack: 0.19/0.26 px at
    // 1e-4 against 0.21/0.33 px at 1e-5) and halves the time (meflut-1, 1536 px proxy:
    // ≈ 0.45 s against 0.8 s per frame).
    int eccIterations = 30;
    double eccEpsilon = 1e-4;
    double minCorrelation = 0.5; ///< ECC correlation below this: the frame does not match
};

struct HomographyEstimate {
    cv::Matx33d frameFromReference = cv::Matx33d::eye(); ///< proxy coordinates
    int featureInliers = 0;
    bool refinedByEcc = false;
    double correlation = 0.0; ///< ECC correlation coefficient of the result (−1..1)
};

/// reference, frame: CV_8UC1 proxies of equal size. Throws fuselab::Error (without a file;
/// the caller attributes it) when the frame cannot be registered.
HomographyEstimate estimateHomography(const cv::Mat& reference, const cv::Mat& frame, const HomographyOptions& options);

/// H in full-resolution coordinates from H in proxy coordinates, where the proxy pixel
/// centre u relates to the full-resolution x by u + ½ = s·(x + ½) per axis.
cv::Matx33d scaleHomographyToFull(const cv::Matx33d& proxyH, double scaleX, double scaleY);

/// Rejects transforms no camera shake produces (non-finite, mirrored, scaled beyond 2×,
/// strong perspective); returns the problem or an empty string.
std::string homographyProblem(const cv::Matx33d& H, int widthPx, int heightPx);

} // namespace fuselab::align
