// Private: row kernels of the pyramid on PLANAR (1-channel) rows, shared by the generic
// pyramid and the fusion engine. Every kernel is written as flat loops over samples so the
// compiler vectorises it; colour images are processed one plane at a time.
#pragma once

#include "../isa/isa.hpp"

#include "fuselab/base/pyramid_geometry.hpp"

#include <algorithm>

namespace fuselab::FUSELAB_ISA::detail {

/// One coarse row of pyramidDown from five fine rows r[0..4] (fine rows 2i−2 … 2i+2,
/// mirrored by the caller): [1 4 6 4 1]/16 vertically, then horizontally, keeping every
/// second sample. `scratch` holds 2·fineWidth floats; `out` (fineWidth+1)/2.
void downsampleRow(const float* const r[5], int fineWidth, float* scratch, float* out);

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
