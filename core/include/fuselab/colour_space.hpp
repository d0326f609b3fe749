// Colour spaces: the working space every operator sees and the spaces files are written in.
//
// FuseLab works in one RGB space per run, the *working space*: Rec. 709/sRGB primaries by
// default, Rec. 2020 as an option; D65 white in both. Files are converted into it when read
// (io.hpp, through Little CMS 2) and out of it when written:
//   - integer photographs (8/16-bit) keep a display encoding in the working primaries: the sRGB
//     transfer curve (which Mertens's well-exposedness weights assume), or Linear when the file's
//     profile is linear (dcraw/darktable 16-bit TIFFs; merged like camera RAW, with a linear
//     response);
//   - float files (OpenEXR, Radiance HDR, float TIFF) are linear light in the working primaries.
// An untagged integer file is sRGB, an untagged float file Rec. 709, as before.
#pragma once

#include "fuselab/base/image.hpp"

#include <string>
#include <string_view>

namespace fuselab {

/// RGB primaries with a D65 white point.
enum class RgbPrimaries : std::uint8_t {
    Rec709,    ///< ITU-R BT.709 = sRGB (IEC 61966-2-1)
    Rec2020,   ///< ITU-R BT.2020 = BT.2100
    DisplayP3, ///< SMPTE EG 432-1 (P3 primaries, D65 white)
    AdobeRgb,  ///< Adobe RGB (1998)
};

/// "rec709", "rec2020", "display-p3", "adobe-rgb".
std::string_view toString(RgbPrimaries primaries);
/// A person's name for it: "Rec. 709/sRGB", "Rec. 2020", "Display P3", "Adobe RGB (1998)".
std::string_view displayName(RgbPrimaries primaries);
/// Parses toString's names (and "srgb" for rec709); throws fuselab::Error listing the choices.
RgbPrimaries primariesFromString(std::string_view name);

/// The choices a working space may take (a wide-gamut RGB with a D65 white, in which all
/// operators behave): Rec709 and Rec2020.
bool isWorkingSpace(RgbPrimaries primaries);

/// Converts linear RGB (Linear-tagged, 3 or 4 channels; alpha untouched) from one set of
/// primaries to another through Little CMS (float, unbounded: colours outside the target gamut
/// keep negative components rather than being clipped). Returns `linear` itself when the
/// primaries are equal. Throws fuselab::Error for non-linear images or 1/2 channels.
Image convertPrimaries(const Image& linear, RgbPrimaries from, RgbPrimaries to);

} // namespace fuselab
