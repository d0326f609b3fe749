// The geometry every pyramid in FuseLab shares — fuselab_core's (pyramid.hpp), and core/learn's
// LibTorch pyramid, split engine and fused weights: level counts and border rules. One copy in
// fuselab_base, because the engines must index alike or they stop agreeing, and core/learn
// cannot link fuselab_core.
#pragma once

#include <algorithm>

namespace fuselab {

/// Levels such that the coarsest level's short side is still ≥ minSidePx (at least 1). Each
/// level halves the sides rounding up ((w+1)/2).
int autoPyramidLevels(int widthPx, int heightPx, int minSidePx = 2);

/// Mirrors an index into [0, n) without repeating the edge sample (reflect-101, OpenCV's
/// BORDER_REFLECT_101): −1 → 1, n → n − 2.
inline int reflect101(int i, int n)
{
    if (n == 1) return 0;
    while (i < 0 || i >= n) i = i < 0 ? -i : 2 * (n - 1) - i;
    return i;
}

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

} // namespace fuselab
