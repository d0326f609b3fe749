// Private: row kernels of the pyramid on PLANAR (1-channel) rows, shared by the generic
// pyramid and the fusion engine. Every kernel is written as flat loops over samples so the
// compiler vectorises it; colour images are processed one plane at a time.
#pragma once

#include "isa.hpp"

#include <algorithm>

namespace fuselab::FUSELAB_ISA::detail {

/// Mirrors an index into [0, n) without repeating the edge sample (reflect-101).
inline int reflect101(int i, int n)
{
    if (n == 1) return 0;
    while (i < 0 || i >= n) i = i < 0 ? -i : 2 * (n - 1) - i;
    return i;
}

/// One coarse row of pyramidDown from five fine rows r[0..4] (fine rows 2i−2 … 2i+2,
/// mirrored by the caller): [1 4 6 4 1]/16 vertically, then horizontally, keeping every
/// second sample. `scratch` holds 2·fineWidth floats; `out` (fineWidth+1)/2.
void downsampleRow(const float* const r[5], int fineWidth, float* scratch, float* out);

/// Index of the coarse sample j seen from a fine grid of fineSize samples (coarse size
/// (fineSize+1)/2). Mirroring the FINE grid without repeating its edge (reflect-101, as
/// pyramidDown does) maps coarse −1 to 1, and coarse n to n−1 when fineSize is even (the
/// mirrored fine sample 2n lands on 2n−2) or to n−2 when it is odd. OpenCV's pyrUp does the same.
inline int coarseNeighbour(int j, int fineSize)
{
    const int n = (fineSize + 1) / 2;
    if (j < 0) return n > 1 ? std::min(-j, n - 1) : 0;
    if (j >= n) return (fineSize % 2 == 0) ? n - 1 : std::max(n - 2, 0);
    return j;
}

/// Coarse rows needed by fine row y, and the vertical phase: an even fine row 2i uses coarse
/// rows (i−1, i, i+1) weighted (1 6 1)/8; an odd row 2i+1 uses (i, i+1) weighted (1 1)/2.
struct UpsampleTaps {
    int rows[3];
    bool even;
};
UpsampleTaps upsampleTaps(int fineY, int fineHeight);

/// One fine row of pyramidUp (same phases horizontally). `scratch` holds coarseWidth floats.
void upsampleRow(const float* c0, const float* c1, const float* c2, bool evenRow, int coarseWidth, int fineWidth,
                 float* scratch, float* out);

} // namespace fuselab::FUSELAB_ISA::detail
