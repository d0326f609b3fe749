// Private: pieces shared by the tone mappers (luminance, log-average, colour restoration).
// No OpenCV here; see opencv_image.hpp for that.
#pragma once

#include "fuselab/base/image.hpp"
#include "fuselab/tonemap.hpp"

#include <string>
#include <vector>

namespace fuselab::tonemap_detail {

/// Channels that carry colour: 3 for RGBA, otherwise all.
inline int colourChannelCount(const Image& img) { return img.channels() == 4 ? 3 : img.channels(); }

/// Rec. 709 luminance of each pixel (the value itself for one channel), 1 channel, Linear.
Image luminanceOf(const Image& radiance);

/// Largest sample of the colour channels (0 for an all-black image).
float maxColourSample(const Image& img);

/// exp(mean(ln(δ + L))), summed per row in double and then in row order, so the result does
/// not depend on the thread count.
double logAverageLuminance(const Image& luminance, double delta);

/// The given percentile (0..100) of `values`, by nth_element (reorders values).
float percentileOf(std::vector<float>& values, double percent);

/// out = clamp((C/L)^s · L_d, 0, 1) per colour channel (L_d for one channel); alpha copied.
/// Pixels with L = 0 give 0. Linear-tagged.
Image restoreColour(const Image& radiance, const Image& luminance, const Image& displayLuminance,
                    double saturation);

/// Clamps every sample of the colour channels to [0,1] and NaN to 0, in place.
void clampDisplay(Image& img);

} // namespace fuselab::tonemap_detail
