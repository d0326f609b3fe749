// Private: median threshold bitmap translation (Ward 2003, "Fast, robust image
// registration for compositing high dynamic range photographs from hand-held exposures").
//
// Each grey image becomes, per pyramid level, a threshold bitmap (level > median) and an
// exclusion bitmap (|level − median| > excludeRange); both are nearly independent of
// exposure. The shift is found coarse to fine, trying the nine neighbours of the doubled
// previous shift at each level, minimising popcount((tb₁ XOR tb₂) AND eb₁ AND eb₂).
//
// Differences from OpenCV's AlignMTB (cv::AlignMTB::calculateShift, 4.x), read from its
// source: its pyramid keeps every other pixel (aliasing fine texture into the coarse
// bitmaps) where this one averages 2×2 blocks; its candidates are scored on
// zero-filled shifted bitmaps, so the uncovered border drops out of the count and a
// candidate that moves further compares fewer pixels — here every candidate of a level is
// scored on the same overlap region. Its median is one level above the true median.
#pragma once

#include <opencv2/core.hpp>

#include <vector>

namespace fuselab::align {

/// The bitmaps of one image, finest level first: bit 0 = above the median, bit 1 = outside
/// the exclusion range (compared at all).
class MtbPyramid {
public:
    /// grey: CV_8UC1. levels ≥ 1 (level 0 is grey itself).
    MtbPyramid(const cv::Mat& grey, int levels, int excludeRange);
    int levels() const { return int(m_codes.size()); }
    const cv::Mat& codes(int level) const { return m_codes[std::size_t(level)]; }

private:
    std::vector<cv::Mat> m_codes;
};

/// Pyramid levels needed to reach maxShiftPx with ±1 per level (reach 2^levels − 1),
/// limited so the coarsest level keeps at least 8 px on its short side.
int mtbLevelCount(int widthPx, int heightPx, int maxShiftPx);

/// Integer shift s (|s.x|, |s.y| ≤ maxShiftPx) with frame(p + s) ≈ reference(p). Both
/// pyramids must come from images of one size with the same level count.
cv::Point mtbShift(const MtbPyramid& reference, const MtbPyramid& frame, int maxShiftPx);

} // namespace fuselab::align
