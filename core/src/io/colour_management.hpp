// Private: colour management on reading and writing (Little CMS 2 through colour/).
#pragma once

#include "colour_tags.hpp"

#include "fuselab/io.hpp"

#include <optional>
#include <vector>

namespace fuselab::detail {

/// Converts a freshly decoded image into the working space the options name, as its file's
/// tags say (colour_tags.hpp), and sets loaded.colourNote / colourConverted. Integer results of
/// a conversion are 16-bit, Srgb-tagged (or Linear-tagged when the file's profile is linear);
/// PQ/HLG PNGs (cICP) become linear float. Untagged and sRGB files stay as stored in a
/// Rec. 709 working space.
/// `exifAdobeRgb`: the file's EXIF marks it Adobe RGB (ExifFields::adobeRgb), honoured when it
/// embeds no profile.
void manageReadColour(LoadedImage& loaded, const std::uint8_t* data, std::size_t size, const ReadOptions& options, bool exifAdobeRgb);

/// Whether reading an 8/16-bit file with these tags keeps its samples exactly as decoded, sRGB-
/// encoded (untagged, sRGB-tagged, or a profile equal to the working space) — the samples a
/// row-by-row reader that skips colour management may hand out.
bool integerSamplesReadAsStored(const FileColour& tags, int channels, RgbPrimaries working);
/// The same for float files (EXR chromaticities, a float TIFF's profile).
bool floatSamplesReadAsStored(const FileColour& tags, int channels, RgbPrimaries working);

/// What a written file says about its colour.
struct OutputColourTag {
    std::vector<std::uint8_t> icc;
    std::optional<Cicp> cicp;
};
/// The tag for samples of this encoding in these primaries (PQ/HLG: Rec. 2020 with cICP and a
/// tabulated ICC; Linear: a linear profile; Srgb: the primaries' display curve). One- and
/// two-channel images get a grey profile (PNG and TIFF refuse RGB profiles on grey data).
OutputColourTag outputColourTag(ColourEncoding encoding, RgbPrimaries primaries, int channels);

} // namespace fuselab::detail
