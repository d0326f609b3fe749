// Feature + ECC homography estimation on exposure-normalised grey proxies.
#include "homography.hpp"

#include "intensity_mapping.hpp"
#include "mtb.hpp"

#include "fuselab/base/error.hpp"

#include <opencv2/calib3d.hpp>
#include <opencv2/features2d.hpp>
#include <opencv2/imgproc.hpp>
#include <opencv2/video/tracking.hpp>

#include <algorithm>
#include <cmath>
#include <sstream>

namespace fuselab::align {
namespace {

// Matches ORB features only between keypoints that the bitmap shift puts near each other
// (within searchRadiusPx), then lets RANSAC find the homography. The spatial gate keeps
// repetitive texture — wall stripes, wood grain — from matching the wrong repetition.
bool featureHomography(const cv::Mat& reference, const cv::Mat& frame, cv::Point shift, double searchRadiusPx,
                       const HomographyOptions& options, cv::Matx33d& H, int& inliers)
{
    cv::Ptr<cv::ORB> orb = cv::ORB::create(4000, 1.2f, 8, 31, 0, 2, cv::ORB::HARRIS_SCORE, 31, 10);
    std::vector<cv::KeyPoint> kr, kf;
    cv::Mat dr, df;
    orb->detectAndCompute(reference, cv::noArray(), kr, dr);
    orb->detectAndCompute(frame, cv::noArray(), kf, df);
    inliers = 0;
    if (kr.size() < 8 || kf.size() < 8) return false;
    cv::Mat allowed(int(kr.size()), int(kf.size()), CV_8UC1);
    const double r2 = searchRadiusPx * searchRadiusPx;
    for (int i = 0; i < allowed.rows; ++i) {
        const cv::Point2f predicted = kr[std::size_t(i)].pt + cv::Point2f(float(shift.x), float(shift.y));
        std::uint8_t* row = allowed.ptr<std::uint8_t>(i);
        for (int j = 0; j < allowed.cols; ++j) {
            const cv::Point2f d = kf[std::size_t(j)].pt - predicted;
            row[j] = double(d.x) * d.x + double(d.y) * d.y <= r2 ? 1 : 0;
        }
    }
    cv::BFMatcher matcher(cv::NORM_HAMMING);
    std::vector<std::vector<cv::DMatch>> knn;
    matcher.knnMatch(dr, df, knn, 2, allowed);
    std::vector<cv::Point2f> pr, pf;
    for (const auto& m : knn) {
        if (m.empty()) continue;
        if (m.size() == 2 && m[0].distance >= 0.8f * m[1].distance) continue; // Lowe's ratio test
        pr.push_back(kr[std::size_t(m[0].queryIdx)].pt);
        pf.push_back(kf[std::size_t(m[0].trainIdx)].pt);
    }
    if (int(pr.size()) < std::max(options.minInliers, 4)) return false;
    std::vector<unsigned char> mask;
    const cv::Mat found = cv::findHomography(pr, pf, cv::RANSAC, options.ransacThresholdPx, mask, 4000, 0.999);
    if (found.empty()) return false;
    inliers = int(std::count(mask.begin(), mask.end(), 1));
    if (inliers < options.minInliers) return false;
    H = cv::Matx33d(found);
    return true;
}

// Frame pixels that carry information: neither clipped nor black, shrunk by 2 px so the
// smoothing ECC applies does not carry a clipped edge into the comparison.
cv::Mat informativePixels(const cv::Mat& frame)
{
    cv::Mat inside;
    cv::inRange(frame, cv::Scalar(6), cv::Scalar(249), inside);
    cv::erode(inside, inside, cv::getStructuringElement(cv::MORPH_RECT, cv::Size(5, 5)));
    return inside;
}

double correlationAt(const cv::Mat& reference, const cv::Mat& frame, const cv::Matx33d& H)
{
    cv::Mat warped, valid;
    cv::warpPerspective(frame, warped, cv::Mat(H), reference.size(), cv::INTER_LINEAR | cv::WARP_INVERSE_MAP);
    cv::Mat ones(frame.size(), CV_8UC1, cv::Scalar(255));
    cv::warpPerspective(ones, valid, cv::Mat(H), reference.size(), cv::INTER_NEAREST | cv::WARP_INVERSE_MAP);
    if (cv::countNonZero(valid) < 64) return -1.0;
    return cv::computeECC(reference, warped, valid);
}

} // namespace

HomographyEstimate estimateHomography(const cv::Mat& reference, const cv::Mat& frame, const HomographyOptions& options)
{
    const int levels = mtbLevelCount(reference.cols, reference.rows, options.mtbMaxShiftPx);
    const cv::Point shift = mtbShift(MtbPyramid(reference, levels, options.excludeRange),
                                     MtbPyramid(frame, levels, options.excludeRange), options.mtbMaxShiftPx);
    // Exposure normalisation by histogram specification: the frames are not registered yet,
    // and a joint-histogram mapping of misregistered pixels regresses towards the mean
    // (measured: ECC then ends 0.5–3 px off on a ±2 stop synthetic stack, against ≤ 0.3 px).
    const cv::Mat normalised = applyLevelTable(frame, histogramMatchingTable(frame, reference));

    HomographyEstimate est;
    const cv::Matx33d translation(1, 0, shift.x, 0, 1, shift.y, 0, 0, 1);
    cv::Matx33d start = translation;
    // A hand-held turn of up to ~3° moves the corners by about 5 % of the diagonal.
    const double searchRadiusPx = 8.0 + 0.06 * std::hypot(double(reference.cols), double(reference.rows));
    const bool fromFeatures = featureHomography(reference, normalised, shift, searchRadiusPx, options, start, est.featureInliers);
    // Features can lock onto a wrong repetition when little texture survives the exposure;
    // the bitmap shift is the fallback start whenever it correlates better.
    double startCorrelation = correlationAt(reference, normalised, start);
    if (fromFeatures) {
        const double translationCorrelation = correlationAt(reference, normalised, translation);
        if (translationCorrelation > startCorrelation) {
            start = translation;
            startCorrelation = translationCorrelation;
        }
    }
    est.frameFromReference = start;
    est.correlation = std::isfinite(startCorrelation) ? startCorrelation : -1.0;
    std::string eccProblem;
    if (options.eccRefine) {
        cv::Mat warp;
        cv::Mat(start).convertTo(warp, CV_32F);
        try {
            const cv::TermCriteria criteria(cv::TermCriteria::COUNT + cv::TermCriteria::EPS, options.eccIterations, options.eccEpsilon);
            const cv::Mat useful = informativePixels(frame);
            cv::findTransformECC(reference, normalised, warp, cv::MOTION_HOMOGRAPHY, criteria,
                                 cv::countNonZero(useful) > int(useful.total() / 4) ? useful : cv::Mat(), 5);
            cv::Matx33d refined;
            warp.convertTo(cv::Mat(3, 3, CV_64F, refined.val), CV_64F);
            const double refinedCorrelation = correlationAt(reference, normalised, refined);
            if (std::isfinite(refinedCorrelation) && refinedCorrelation >= startCorrelation - 1e-4 &&
                homographyProblem(refined, reference.cols, reference.rows).empty()) {
                est.frameFromReference = refined;
                est.refinedByEcc = true;
                est.correlation = refinedCorrelation;
            } else {
                eccProblem = "ECC did not improve the correlation";
            }
        } catch (const cv::Exception& e) {
            eccProblem = "ECC failed (" + std::string(e.err) + ")";
        }
    }
    // What remains is the best-correlating of the bitmap shift, the feature homography and
    // its ECC refinement; a frame is refused only when even that does not resemble the
    // reference (or correlation is undefined: a frame without structure).
    if (!(est.correlation >= options.minCorrelation)) {
        std::ostringstream os;
        os.precision(3);
        if (std::isfinite(startCorrelation))
            os << "cannot be registered: aligned, it correlates only " << est.correlation << " with the reference (need "
               << options.minCorrelation << ")";
        else
            os << "cannot be registered: it has no contrast to compare with the reference";
        os << "; " << est.featureInliers << " feature matches agreed (need " << options.minInliers << ")";
        if (!eccProblem.empty()) os << ", " << eccProblem;
        throw Error(os.str());
    }
    const std::string problem = homographyProblem(est.frameFromReference, reference.cols, reference.rows);
    if (!problem.empty()) throw Error("cannot be registered: " + problem);
    return est;
}

cv::Matx33d scaleHomographyToFull(const cv::Matx33d& proxyH, double scaleX, double scaleY)
{
    // u = S·x with S = [[sx, 0, (sx − 1)/2], [0, sy, (sy − 1)/2], [0, 0, 1]].
    const cv::Matx33d S(scaleX, 0, 0.5 * (scaleX - 1.0), 0, scaleY, 0.5 * (scaleY - 1.0), 0, 0, 1);
    cv::Matx33d H = S.inv() * proxyH * S;
    return H * (1.0 / H(2, 2));
}

std::string homographyProblem(const cv::Matx33d& H, int widthPx, int heightPx)
{
    for (int i = 0; i < 9; ++i)
        if (!std::isfinite(H.val[i])) return "the homography is not finite";
    if (!(std::fabs(H(2, 2)) > 1e-12)) return "the homography is degenerate";
    const cv::Matx33d n = H * (1.0 / H(2, 2));
    const double det = n(0, 0) * n(1, 1) - n(0, 1) * n(1, 0);
    if (!(det > 0.25 && det < 4.0)) {
        std::ostringstream os;
        os.precision(3);
        os << "the homography scales the area by " << det << " (a mirrored, collapsed or zoomed match)";
        return os.str();
    }
    // Perspective must not change the scale across the image by more than a factor of 2.
    const double spread = std::fabs(n(2, 0)) * widthPx + std::fabs(n(2, 1)) * heightPx;
    if (spread > 0.5) return "the homography has implausibly strong perspective";
    return {};
}

} // namespace fuselab::align
