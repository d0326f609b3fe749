// Private: an 8-bit RGB image through a JPEG encoder and decoder in memory (libjpeg-turbo), so
// that training stacks carry real compression artefacts.
#pragma once

#include "fuselab/base/image.hpp"

namespace fuselab::learn::detail {

/// `codes` (8-bit, 3 channels) encoded at `quality` (1–100, 4:2:0 as cameras do) and decoded
/// again; the same tag. Throws fuselab::Error when libjpeg reports an error.
Image8 jpegRoundTrip(const Image8& codes, int quality);

} // namespace fuselab::learn::detail
