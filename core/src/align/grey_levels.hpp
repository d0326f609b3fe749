// Private: 8-bit grey versions of stack frames, the common currency of alignment and
// motion detection (median threshold bitmaps, joint histograms, features, ECC).
#pragma once

#include "fuselab/base/exposure.hpp"
#include "fuselab/base/image.hpp"

#include <opencv2/core.hpp>

#include <vector>

namespace fuselab::align {

/// Grey level 0..255 of every pixel at full resolution (CV_8UC1, contiguous).
/// Integer frames use their code values (54 R + 183 G + 19 B) / 256, Ward's weights for
/// display-encoded data; 16-bit codes are scaled to 8 bits first. Float frames tagged Linear
/// are sRGB-encoded before quantising so the shadows keep their levels; other float frames
/// are taken as display values in [0,1]. One- and two-channel frames use their first channel.
cv::Mat greyLevels(const SampleImage& frame);

/// Scale factor (≤ 1) that brings the long side of a widthPx × heightPx image to
/// longSidePx; 1 when longSidePx is 0 or not smaller than the long side.
double proxyScale(int widthPx, int heightPx, int longSidePx);

/// Area-averaged reduction of a grey image to `scale` (≤ 1; 1 returns the input itself).
cv::Mat reduceGrey(const cv::Mat& grey, double scale);

/// The proxy grey of a frame: greyLevels reduced by proxyScale(longSidePx).
cv::Mat proxyGrey(const SampleImage& frame, int longSidePx);

/// The integer reduction factor k ≥ 1 that brings the long side to at most longSidePx
/// (1 when longSidePx is 0 or not smaller). A k × k box average is exact and fast (OpenCV's
/// integer INTER_AREA path: 12 MP to 1000 × 750 in a few milliseconds).
int proxyFactor(int widthPx, int heightPx, int longSidePx);
/// 8-bit planes of the frame's colour channels (R, G, B; one plane for 1–2 channel frames,
/// alpha ignored; or its grey level, greyOnly), each k × k box-averaged (proxyFactor): the
/// proxy covers the frame's first (w / k)·k columns and (h / k)·k rows. Codes as greyLevels:
/// integer frames keep their display-encoded codes, linear float frames are sRGB-encoded first.
std::vector<cv::Mat> proxyPlanes(const SampleImage& frame, int factor, bool greyOnly);

/// A cv::Mat header sharing the frame's pixels (8U, 16U or 32F with the frame's channels).
cv::Mat wrapPixels(const SampleImage& frame);

} // namespace fuselab::align
