// Internal, torch-free: a second family of synthetic HDR scenes for training — random collages
// of textured shapes over a shaded background, with small very bright light sources — so the
// network sees the statistics of night streets, skies and lamps, not only the "interior" room.
// Linear radiance, relative units (as fuselab::makeSyntheticScene), dynamic range up to 2^20.
#pragma once

#include "fuselab/base/image.hpp"

#include <cstdint>

namespace fuselab::learn::detail {

Image makeCollageScene(int widthPx, int heightPx, std::uint64_t seed);

} // namespace fuselab::learn::detail
