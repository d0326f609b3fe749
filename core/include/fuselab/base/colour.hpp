// Transfer functions between encoded values and linear light.
// sRGB: IEC 61966-2-1 piecewise curve (linear segment below 0.04045 / 0.0031308).
// Inputs outside [0,1] are extended symmetrically (sign-preserving) rather than clipped.
#pragma once

#include "fuselab/base/image.hpp"

namespace fuselab {

float srgbToLinear(float encoded);
float linearToSrgb(float linear);

/// 256-entry table: code value (0..255) of an 8-bit sRGB image → linear [0,1].
const float* srgb8ToLinearTable();

/// Rec. 709 / sRGB luminance weights (0.2126, 0.7152, 0.0722) of a linear RGB pixel.
inline float linearLuminance(float r, float g, float b) { return 0.2126f * r + 0.7152f * g + 0.0722f * b; }

/// Converts in place between Linear and Srgb encodings (other encodings: fuselab::Error).
void convertEncoding(Image& image, ColourEncoding target);
/// A copy converted to `target` (shares pixels when already there).
Image withEncoding(const Image& image, ColourEncoding target);

} // namespace fuselab
