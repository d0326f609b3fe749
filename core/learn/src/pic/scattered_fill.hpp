// Internal, torch-free: PIC's "blurred" images (SPEC §7, as the reference's scipy griddata
// 'linear'): the pixels that are not kept are filled by linear interpolation over the Delaunay
// triangulation of the kept pixels. The four corners are always kept, so the triangulation
// covers the image; a pixel left uncovered would take the image's per-channel mean.
//
// The triangulation is incremental (Lawson flips) over integer pixel coordinates with exact
// 128-bit orientation and in-circle tests, points inserted in Morton order and located by a
// walk from the last triangle; each triangle is then rasterised with integer edge functions.
// Cocircular kept pixels (common on a grid) may be split either way; any Delaunay
// triangulation is valid, as in the reference.
#pragma once

#include <cstdint>

namespace fuselab::learn::detail {

/// planes: `channels` planes of width × height floats; keep: width × height flags (non-zero =
/// kept; corners are treated as kept). out: like planes; kept pixels are copied.
void fillFromKeptPixels(const float* planes, int channels, int width, int height, const std::uint8_t* keep, float* out);

} // namespace fuselab::learn::detail
