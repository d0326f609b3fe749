// Private: where a warped frame has data, and resampling frames into the reference geometry.
//
// A transform H maps reference pixel coordinates (pixel centres at integers) to the frame's.
// A reference pixel is covered when H maps it into [0, w−1] × [0, h−1] of the frame, i.e.
// where bilinear interpolation needs no pixel outside the frame.
#pragma once

#include "fuselab/base/image.hpp"

#include <opencv2/core.hpp>

#include <vector>

namespace fuselab::align {

/// Inclusive range of covered pixels in one reference row; empty when first > last.
struct RowSpan {
    int first = 0;
    int last = -1;
    bool empty() const { return first > last; }
};

/// Covered pixels of every reference row (widthPx × heightPx, the frame has the same size).
/// Exact for any homography whose denominator stays positive over the image: each bound
/// is a linear inequality in x along a row.
std::vector<RowSpan> coveredSpans(const cv::Matx33d& frameFromReference, int widthPx, int heightPx);

/// Keeps, row by row, only what both cover.
void intersectSpans(std::vector<RowSpan>& accumulated, const std::vector<RowSpan>& other);

/// The largest axis-aligned rectangle inside the rows' spans (first found among equals,
/// scanning tops from the image's top). Width 0 when no row covers anything.
PixelRect largestRectangle(const std::vector<RowSpan>& spans);

/// 1-channel float image: 1 inside the spans, 0 outside.
Image spanMask(const std::vector<RowSpan>& spans, int widthPx);

/// True when H is a translation by whole pixels (then resampling is a copy).
bool isIntegerTranslation(const cv::Matx33d& frameFromReference, int& dxPx, int& dyPx);

/// The frame resampled into `outRect` of the reference geometry: out(x, y) =
/// frame(H·(x + outRect.x, y + outRect.y)), bilinear, samples kept in the frame's type,
/// positions outside the frame edge-replicated. Whole-pixel translations copy exactly.
SampleImage resampleFrame(const SampleImage& frame, const cv::Matx33d& frameFromReference, const PixelRect& outRect);

} // namespace fuselab::align
