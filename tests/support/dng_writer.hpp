// Linear DNG files for RAW tests with a known truth: 16-bit RGB "LinearRaw" (no mosaic) whose
// camera space is linear sRGB (ColorMatrix1 = XYZ → sRGB, D65, AsShotNeutral 1,1,1, white level
// 65535), with the exposure (time, f-number, ISO) in EXIF. LibRaw develops it back to the same
// linear codes (±1), so a bracket of them has an exact radiance truth.
#pragma once

#include "fuselab/base/exposure.hpp"
#include "fuselab/base/image.hpp"

#include <string>

namespace fuselab::test {

/// Writes `linearRgb` (3-channel, linear codes) as a DNG at `path`. Throws std::runtime_error.
void writeLinearDng(const std::string& path, const Image16& linearRgb, double exposureTimeS, double fNumber, int iso);

} // namespace fuselab::test
